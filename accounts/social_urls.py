"""The social log-in routes (mounted without a namespace: allauth reverses its own URL names).

Only the social flow of allauth is mounted: the provider log-in and callback (/accounts/social/kakao/login/,
/accounts/social/kakao/login/callback/ and the same for naver), the one-page sign-up, and the cancelled / error
pages. Password log-in, sign-up and reset stay on our own pages; the allauth names its flow redirects to
point there.
"""

from allauth.socialaccount import views as social_views
from allauth.urls import build_provider_urlpatterns
from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("signup/", social_views.signup, name="socialaccount_signup"),
    path("login/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("login/error/", social_views.login_error, name="socialaccount_login_error"),
    path("connections/", RedirectView.as_view(pattern_name="accounts:profile"), name="socialaccount_connections"),
    path("login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True), name="account_login"),
    path("inactive/", RedirectView.as_view(pattern_name="accounts:login"), name="account_inactive"),
    *build_provider_urlpatterns(),
]
