from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "alliance.reviews"
    label = "reviews"
    verbose_name = "Fit reviews and re-matching"

    def ready(self) -> None:
        from alliance.care.hooks import session_changed
        from alliance.measures.hooks import shared_episode_ids
        from alliance.reviews import receivers
        from alliance.reviews.access import consented_episode_ids

        shared_episode_ids.subscribe(consented_episode_ids, purpose="history consent")
        session_changed.subscribe(receivers.open_fit_review_when_due, purpose="fit review")
