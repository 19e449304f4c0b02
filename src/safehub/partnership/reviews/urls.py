"""Case reviews: referral, decision, rapid review, commissioning, publication, assurance: pages (names
in the "partnership" namespace).
"""

from django.urls import path

from safehub.partnership.reviews import views

urlpatterns = [
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/refer/", views.review_refer, name="review_refer"),
    path("reviews/<int:review_id>/", views.review_detail, name="review_detail"),
    path("reviews/<int:review_id>/decide/", views.review_decide, name="review_decide"),
    path("reviews/<int:review_id>/notification/", views.review_notify, name="review_notify"),
    path("reviews/<int:review_id>/rapid-review/", views.review_rapid_review, name="review_rapid_review"),
    path("reviews/<int:review_id>/commission/", views.review_commission, name="review_commission"),
    path("reviews/<int:review_id>/move/", views.review_move, name="review_move"),
    path("reviews/<int:review_id>/publish/", views.review_publish, name="review_publish"),
    path("reviews/<int:review_id>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:review_id>/assurance/", views.review_assurance, name="review_assurance"),
    path("reviews/<int:review_id>/people/", views.review_link_person, name="review_link_person"),
]
