"""/api/v1/dashboard/: the caller's queue and role panels."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from ..selectors import dashboard_for
from .serializers import DashboardSerializer, dashboard_data


class DashboardAPIView(APIView):
    """What waits for you (sign-offs, items you own that are due, reviews this week) and the panels of the
    roles you hold: every number of the "/" page. Only records of projects you may see are counted."""

    @extend_schema(tags=["dashboard"], responses=DashboardSerializer, operation_id="dashboard_retrieve")
    def get(self, request):
        return Response(DashboardSerializer(dashboard_data(dashboard_for(user=request.user))).data)
