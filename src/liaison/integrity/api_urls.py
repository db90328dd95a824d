"""The integrity API routes, included under /api/ (clearance at /api/clearance/organisations/<id>/)."""

from django.urls import path

from liaison.integrity import api

urlpatterns = [
    path("integrity/watchlists/", api.WatchlistView.as_view(), name="integrity-watchlists"),
    path("integrity/hits/", api.HitListView.as_view(), name="integrity-hits"),
    path("integrity/hits/<int:pk>/decide/", api.HitDecideView.as_view(), name="integrity-hit-decide"),
    path("integrity/organisations/<int:pk>/relations/", api.RelationListView.as_view(), name="integrity-relations"),
    path("integrity/relations/<int:pk>/", api.RelationDetailView.as_view(), name="integrity-relation"),
    path("clearance/organisations/<int:pk>/", api.ClearanceView.as_view(), name="integrity-clearance"),
]
