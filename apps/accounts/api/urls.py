from django.urls import path

from .views import MeView, TokenListView, TokenLogoutView, TokenRevokeView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/<str:token_key>/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/logout/", TokenLogoutView.as_view(), name="api-logout"),
    path("me/", MeView.as_view(), name="api-me"),
]
