from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from .serializers import UserSummarySerializer


class MeView(APIView):
    """The authenticated user."""

    @extend_schema(responses=UserSummarySerializer)
    def get(self, request):
        return Response(UserSummarySerializer(request.user).data)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token <key>`)."""
