"""Survey packages: create and sign, verify, install on a laptop, and the coordinator's copies."""

from akhlak_tui.survey.install import (
    InstalledSurvey,
    activate_survey,
    active_package,
    install_survey,
    installed_surveys,
)
from akhlak_tui.survey.library import ImportedSurvey, coordinator_survey, coordinator_surveys, import_created_package, keep_created_package
from akhlak_tui.survey.package import (
    SurveyPackage,
    SurveyPackageError,
    create_survey_package,
    read_survey_package,
)

__all__ = [
    "ImportedSurvey",
    "InstalledSurvey",
    "SurveyPackage",
    "SurveyPackageError",
    "activate_survey",
    "active_package",
    "coordinator_survey",
    "coordinator_surveys",
    "create_survey_package",
    "install_survey",
    "import_created_package",
    "installed_surveys",
    "keep_created_package",
    "read_survey_package",
]
