"""/mentorship/: the public pages and a person's own page (mounted inside the language-prefixed URLs)."""

from django.urls import path

from . import views

app_name = "mentorship"

urlpatterns = [
    path("mentors/", views.mentor_directory, name="mentors"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("programmes/<slug:slug>/<slug:cohort_slug>/apply/", views.apply, name="apply"),
    path("mentor/", views.mentor_signup, name="mentor_signup"),
    path("me/", views.my_page, name="my_proposals"),
    path("me/ventures/<int:pk>/", views.edit_venture, name="venture"),
    path("me/proposals/<int:pk>/answer/", views.answer_proposal, name="answer_proposal"),
    path("me/mentorships/<int:pk>/", views.mentorship_detail, name="mentorship"),
    path("me/mentorships/<int:pk>/meetings/", views.log_meeting, name="log_meeting"),
    path("me/mentorships/<int:pk>/status/", views.change_status, name="change_status"),
    path("me/feedback/<int:pk>/", views.give_feedback, name="feedback"),
    path("me/data.json", views.data_export, name="data_export"),
    path("me/delete/", views.delete_account, name="delete_account"),
    path("account-deleted/", views.account_deleted, name="account_deleted"),
]
