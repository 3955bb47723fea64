from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.forms import AdminLoginForm
from config.health import healthz
from config.pages import privacy

admin.site.site_header = "동네가게 관리자"
admin.site.site_title = "동네가게 관리자"
admin.site.index_title = "운영 관리"
admin.site.login_form = AdminLoginForm  # the same brute-force limit as the shop's log-in

handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("privacy/", privacy, name="privacy"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("config.api_urls")),
    path("accounts/social/", include("accounts.social_urls")),
    path("accounts/", include("accounts.urls")),
    path("feed/", include("feed.urls")),
    path("community/", include("community.urls")),
    path("crm/", include("crm.urls")),
    path("inquiries/", include("crm.chat_urls")),
    path("surveys/", include("crm.survey_urls")),
    path("", include("shop.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
