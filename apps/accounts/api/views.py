from collections.abc import Mapping

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..lockout import lockout_message
from .serializers import ApiTokenSerializer, IssuedTokenSerializer, UserSummarySerializer


class MeView(APIView):
    """The authenticated user."""

    @extend_schema(responses=UserSummarySerializer)
    def get(self, request):
        return Response(UserSummarySerializer(request.user).data)


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenView(APIView):
    """Exchange a username and password for an API token (send it as `Authorization: Token <key>`).

    Tokens expire (see `expiry`); list yours at /api/v1/auth/tokens/ and revoke them there
    or with /api/v1/auth/logout/. Repeated failures lock the account and the address out.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "auth"

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: IssuedTokenSerializer, 400: OpenApiResponse(description="Wrong credentials."), 429: None},
    )
    def post(self, request):
        # The body may be any JSON, e.g. a list: only an object has a username to check for a lockout.
        username = request.data.get("username", "") if isinstance(request.data, Mapping) else ""
        credentials = {"username": str(username)[:150]}
        if AxesProxyHandler.is_locked(request._request, credentials):
            raise LockedOut(lockout_message())
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        serializer.is_valid(raise_exception=True)
        instance, key = AuthToken.objects.create(user=serializer.validated_data["user"])
        return Response(
            IssuedTokenSerializer({"token": key, "token_key": instance.token_key, "expiry": instance.expiry}).data
        )


class TokenListView(generics.ListAPIView):
    """Your API tokens (the first characters of each, its creation and expiry); never the token itself."""

    serializer_class = ApiTokenSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return AuthToken.objects.none()
        return AuthToken.objects.filter(user=self.request.user).order_by("-created")


class TokenRevokeView(APIView):
    """Revoke one of your tokens by its `token_key`."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None, 404: None})
    @transaction.atomic
    def delete(self, request, token_key: str):
        tokens = list(AuthToken.objects.filter(user=request.user, token_key=token_key))
        if not tokens:
            raise exceptions.NotFound()
        for token in tokens:
            token.delete()  # one by one: each revocation is a recorded security event
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutView(APIView):
    """Revoke the token this request was made with."""

    authentication_classes = (TokenAuthentication,)
    permission_classes = (IsAuthenticated,)

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        request._auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
