"""Imports every model module so Base.metadata knows every table (Alembic, tests)."""

from mediation.agreements import model as agreements_model  # noqa: F401
from mediation.cases import model as cases_model  # noqa: F401
from mediation.centre import model as centre_model  # noqa: F401
from mediation.court import model as court_model  # noqa: F401
from mediation.deadlines import model as deadlines_model  # noqa: F401
from mediation.disclosure import model as disclosure_model  # noqa: F401
from mediation.evidence import model as evidence_model  # noqa: F401
from mediation.hearings import model as hearings_model  # noqa: F401
from mediation.notify import model as notify_model  # noqa: F401
from mediation.packets import model as packets_model  # noqa: F401
from mediation.people import model as people_model  # noqa: F401
from mediation.performance import model as performance_model  # noqa: F401
from mediation.precedents import model as precedents_model  # noqa: F401
from mediation.transcripts import model as transcripts_model  # noqa: F401
