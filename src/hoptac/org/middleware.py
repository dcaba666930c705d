from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

# The API answers 401 itself; the portal, health check and static files are public.
PUBLIC_PREFIXES = ("/api/", "/portal/", "/healthz", "/static/", "/i18n/", "/admin/")


class LoginRequiredMiddleware(DjangoLoginRequired):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(PUBLIC_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
