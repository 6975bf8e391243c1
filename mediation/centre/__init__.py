"""Centre operations: mediators and their grades, mentoring, the talent pool and its
subsidies, assignment, circuit mediation, claimant ratings, annual assessment,
statistics and risk warnings."""
