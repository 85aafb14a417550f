from django.urls import include, path

from peerassist.api.app import api
from peerassist.api.fallback import api_not_found
from peerassist.assists.live import join_views
from peerassist.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", api_not_found),
    path("accounts/", include("peerassist.accounts.urls")),
    path("projects/", include("peerassist.projects.urls")),
    path("assists/", include("peerassist.assists.urls")),
    path("join/", join_views.join, name="join"),
    path("join/waiting/", join_views.join_waiting, name="join_waiting"),
    path("analysis/", include("peerassist.analysis.urls")),
    path("analysis/", include("peerassist.followup.urls")),  # follow-up kept its paths
    path("lessons/", include("peerassist.lessons.urls")),
    path("lessons/", include("peerassist.finding.urls")),
    path("reports/", include("peerassist.reports.urls")),
    path("governance/", include("peerassist.governance.urls")),
    path("", include("peerassist.home.urls")),
    path("", include("peerassist.core.urls")),
]

handler400 = "peerassist.core.views.bad_request"
handler403 = "peerassist.core.views.forbidden"
handler404 = "peerassist.core.views.not_found"
handler500 = "peerassist.core.views.server_error"
