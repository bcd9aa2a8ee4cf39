from django.db import connection
from django.http import JsonResponse


def health(request):
    """For load balancers and the start script: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
