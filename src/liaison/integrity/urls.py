from django.urls import path

from liaison.integrity import views

app_name = "integrity"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("hits/<int:pk>/decide/", views.hit_decide, name="hit_decide"),
    path("watchlists/", views.watchlists, name="watchlists"),
    path("runs/<int:pk>/", views.run_status, name="run"),
    path("rescreen/", views.rescreen, name="rescreen"),
    path("organisations/<int:pk>/panel/", views.organisation_panel, name="org_panel"),
    path("organisations/<int:pk>/relations/", views.relations, name="relations"),
    path("relations/<int:pk>/delete/", views.relation_delete, name="relation_delete"),
    path("trail.<str:fmt>", views.trail_export, name="trail"),
]
