"""Imports every model module so Base.metadata knows every table (Alembic, tests)."""

from mediation.cases import model as cases_model  # noqa: F401
from mediation.centre import model as centre_model  # noqa: F401
from mediation.deadlines import model as deadlines_model  # noqa: F401
from mediation.evidence import model as evidence_model  # noqa: F401
from mediation.hearings import model as hearings_model  # noqa: F401
from mediation.people import model as people_model  # noqa: F401
from mediation.precedents import model as precedents_model  # noqa: F401
from mediation.transcripts import model as transcripts_model  # noqa: F401
