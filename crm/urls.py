from django.urls import path

from crm.views import (
    audit,
    avatars,
    campaigns,
    customers,
    dashboards,
    home,
    inbox,
    rounds,
    runs,
    segments,
    settings,
    surveys,
    teams,
)

app_name = "crm"

urlpatterns = [
    path("", home.home, name="home"),
    path("avatar/<int:pk>.png", avatars.member_avatar, name="member_avatar"),
    # a team's pages: the team is in the URL, so access is checked on every request and the switcher is links
    path("t/<str:slug>/", teams.team, name="team"),
    path("t/<str:slug>/segments/", segments.segment_list, name="segment_list"),
    path("t/<str:slug>/segments/new/", segments.segment_create, name="segment_create"),
    path("t/<str:slug>/segments/preview/", segments.segment_preview, name="segment_preview"),
    path("t/<str:slug>/segments/<int:pk>/", segments.segment_detail, name="segment_detail"),
    path("t/<str:slug>/segments/<int:pk>/edit/", segments.segment_edit, name="segment_edit"),
    path("t/<str:slug>/campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("t/<str:slug>/campaigns/new/", campaigns.campaign_new, name="campaign_create"),
    path("t/<str:slug>/campaigns/audience/", campaigns.campaign_audience, name="campaign_audience"),
    path("t/<str:slug>/campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("t/<str:slug>/campaigns/<int:pk>/cancel/", campaigns.campaign_cancel_view, name="campaign_cancel"),
    # 1:1 문의 inbox
    path("inbox/", inbox.inbox_home, name="inbox_home"),
    path("t/<str:slug>/inbox/", inbox.inbox, name="inbox"),
    path("t/<str:slug>/inbox/<int:pk>/", inbox.inbox_conversation, name="inbox_conversation"),
    path("t/<str:slug>/inbox/<int:pk>/status/", inbox.inbox_status, name="inbox_status"),
    path("t/<str:slug>/inbox/<int:pk>/assign/", inbox.inbox_assign, name="inbox_assign"),
    path("t/<str:slug>/inbox/replies/", inbox.saved_reply_add, name="saved_reply_add"),
    # segmentation runs (all teams share them)
    path("runs/", runs.run_list_view, name="run_list"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    # admins only
    path("settings/lifecycle/", settings.lifecycle_settings, name="lifecycle_settings"),
    path("audit/", audit.audit_log, name="audit_log"),
    # customers (H5)
    path("t/<str:slug>/customers/", customers.customer_list, name="customer_list"),
    path("t/<str:slug>/customers/export.csv", customers.customer_export, name="customer_export"),
    path("t/<str:slug>/customers/<int:customer_id>/", customers.customer_detail, name="customer_detail"),
    path(
        "t/<str:slug>/customers/<int:customer_id>/notes/",
        customers.customer_note_add_view,
        name="customer_note_add",
    ),
    path("t/<str:slug>/customers/<int:customer_id>/tags/", customers.customer_tag_add_view, name="customer_tag_add"),
    path(
        "t/<str:slug>/customers/<int:customer_id>/tags/<int:tag_id>/remove/",
        customers.customer_tag_remove_view,
        name="customer_tag_remove",
    ),
    path("t/<str:slug>/segments/<int:pk>/customers/", customers.segment_customers, name="segment_customers"),
    path("t/<str:slug>/segments/<int:pk>/export.csv", customers.segment_export, name="segment_export"),
    # surveys, the morning round (오늘 챙길 단골) and dashboards (issue 12)
    path("t/<str:slug>/surveys/", surveys.survey_list, name="survey_list"),
    path("t/<str:slug>/surveys/new/", surveys.survey_create, name="survey_create"),
    path("t/<str:slug>/surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("t/<str:slug>/surveys/<int:pk>/send/", surveys.survey_send_view, name="survey_send"),
    path("t/<str:slug>/surveys/<int:pk>/results.csv", surveys.survey_results_csv, name="survey_results_csv"),
    path("t/<str:slug>/today/", rounds.round_today, name="round_today"),
    path("t/<str:slug>/today/<int:pk>/message/", rounds.round_message, name="round_message"),
    path("t/<str:slug>/today/<int:pk>/note/", rounds.round_note, name="round_note"),
    path("t/<str:slug>/today/<int:pk>/skip/", rounds.round_skip, name="round_skip"),
    path("t/<str:slug>/dashboard/", dashboards.team_dashboard, name="team_dashboard"),
    path("t/<str:slug>/dashboard/<str:panel>.csv", dashboards.team_dashboard_csv, name="team_dashboard_csv"),
    path("dashboard/", dashboards.admin_dashboard, name="admin_dashboard"),
    path("dashboard/<str:panel>.csv", dashboards.admin_dashboard_csv, name="admin_dashboard_csv"),
]
