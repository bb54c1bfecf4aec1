"""The questionnaire: models, TOML loading with clear errors, conditions, answering rules."""

from akhlak_tui.questionnaire.flow import Flow, is_empty
from akhlak_tui.questionnaire.loading import Problem, QuestionnaireError, load_questionnaire, parse_questionnaire
from akhlak_tui.questionnaire.model import ItemBase, Questionnaire, tr
from akhlak_tui.questionnaire.units import Unit, UnitsError, load_units_csv, parse_units_csv

__all__ = [
    "Flow",
    "ItemBase",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "Unit",
    "UnitsError",
    "is_empty",
    "load_questionnaire",
    "load_units_csv",
    "parse_questionnaire",
    "parse_units_csv",
    "tr",
]
