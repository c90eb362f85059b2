from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "alliance.reviews"
    label = "reviews"
    verbose_name = "Fit reviews and re-matching"
