from django.urls import path

from care import views

urlpatterns = [
    path("people/<int:person_id>/episodes/new/", views.start_episode, name="episode-new"),
]
