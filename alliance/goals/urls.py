from __future__ import annotations

from django.urls import path

from alliance.goals import views

urlpatterns = [
    path("episodes/<int:episode_id>/goals/", views.episode_goals, name="episode-goals"),
    path("episodes/<int:episode_id>/goals/propose/", views.goal_propose, name="goal-propose"),
    path("goals/<int:goal_id>/accept/", views.goal_accept, name="goal-accept"),
    path("goals/<int:goal_id>/edit/", views.goal_edit, name="goal-edit"),
    path("goals/<int:goal_id>/rate/", views.goal_rate, name="goal-rate"),
    path("goals/<int:goal_id>/retire/", views.goal_retire, name="goal-retire"),
]
