"""Shopper-facing survey URLs (mounted at /surveys/ by config.urls; the back office's are in crm.urls)."""

from django.urls import path

from crm.views import survey_answer

app_name = "surveys"

urlpatterns = [path("<int:pk>/", survey_answer.answer, name="answer")]
