from django.urls import path

from alliance.care.views import episodes, frames, overviews, sessions

urlpatterns = [
    path("people/<int:person_id>/episodes/new/", episodes.start_episode, name="episode-new"),
    path("episodes/<int:episode_id>/", episodes.episode_detail, name="episode-detail"),
    path("episodes/<int:episode_id>/frame/", frames.episode_frame, name="episode-frame"),
    path("episodes/<int:episode_id>/continue/", episodes.episode_continue, name="episode-continue"),
    path("episodes/<int:episode_id>/pause/", episodes.episode_pause, name="episode-pause"),
    path("episodes/<int:episode_id>/resume/", episodes.episode_resume, name="episode-resume"),
    path("episodes/<int:episode_id>/end/", episodes.episode_end, name="episode-end"),
    path("episodes/<int:episode_id>/conflict/", episodes.episode_conflict, name="episode-conflict"),
    path("episodes/<int:episode_id>/sessions/new/", sessions.session_add, name="session-add"),
    path("frames/<int:frame_id>/accept/", frames.frame_accept, name="frame-accept"),
    path("frames/<int:frame_id>/decline/", frames.frame_decline, name="frame-decline"),
    path("frames/<int:frame_id>/withdraw/", frames.frame_withdraw, name="frame-withdraw"),
    path("sessions/<int:session_id>/move/", sessions.session_move, name="session-move"),
    path("sessions/<int:session_id>/cancel/", sessions.session_cancel, name="session-cancel"),
    path("sessions/<int:session_id>/outcome/", sessions.session_outcome, name="session-outcome"),
    path("practice/sessions/", overviews.therapist_week, name="therapist-week"),
    path("clinic/episodes/", overviews.staff_episodes, name="staff-episodes"),
    path("calendar/", overviews.calendar, name="calendar"),
    path("calendar/new/", overviews.calendar_create, name="calendar-create"),
    path("calendar/stop/", overviews.calendar_revoke, name="calendar-revoke"),
    path("calendar/<str:token>.ics", overviews.calendar_ics, name="calendar-ics"),
]
