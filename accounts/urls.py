from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("marketing/opt-out/<str:token>/", views.marketing_opt_out, name="marketing_opt_out"),
    path("household/", views.household, name="household"),
    path("household/create/", views.household_create, name="household_create"),
    path("household/join/", views.household_join, name="household_join"),
    path("household/update/", views.household_update, name="household_update"),
    path("household/leave/", views.household_leave, name="household_leave"),
    path("household/invite-code/", views.household_invite_code_rotate, name="household_invite_code_rotate"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
