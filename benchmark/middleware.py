"""Counts the database queries of each request into an X-Query-Count header (bench only)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with CaptureQueriesContext(connection) as queries:
            response = self.get_response(request)
        response["X-Query-Count"] = str(len(queries))
        return response
