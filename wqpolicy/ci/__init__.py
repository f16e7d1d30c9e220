"""What a team that keeps its policy in git runs in CI, one module per job: test and check results in the formats
CI systems read (``formats``), coverage in the policy's terms (``sites``, ``coverage``, ``coverage_report``), the
mutation score (``mutants``, ``mutation``) and diffs against a git ref (``gitref``, ``refdiff``)."""
