"""The public's e-mail alert pages: subscribe, confirm by the link e-mailed (double opt-in),
and unsubscribe in one click.

Confirming and unsubscribing are done by a POST: a GET of the link shows a page with one
button, because mail scanners open links in e-mails and must not confirm or cancel anything.
The unsubscribe address also takes the POST a mail program sends for RFC 8058's one-click
unsubscribe, which carries no CSRF token: the long random token in the address is what
proves the right to unsubscribe.

The subscribe page says the same whatever the address (already subscribed or not), so that it
tells nobody whose address is on the list. Asking is rate-limited by the client's address and
by the e-mail address, in the shared cache.
"""

from django import forms
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commissioning.forms import GovukFormMixin, error_summary
from commissioning.middleware import client_ip_address
from decisions.alerts import send_confirmation
from decisions.models import DecisionCategory, Subscription
from decisions.public_filters import filter_choices

# At most this many subscribe requests from one client address, and one confirmation e-mail
# to one address, per window.
REQUESTS_PER_CLIENT = 5
WINDOW_SECONDS = 600


def form_categories():
    """The categories the public register's filter offers, and no others: a category only
    unpublished or confidential decisions have is not public."""
    offered = [slug for slug, _name in filter_choices()["categories"]]
    return DecisionCategory.objects.filter(slug__in=offered).order_by("name")


class SubscribeForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["email", "topic", "category", "search", "frequency"]
        widgets = {"topic": forms.RadioSelect, "frequency": forms.RadioSelect}
        labels = {
            "email": "Your e-mail address",
            "topic": "What do you want to hear about?",
            "category": "Only decisions in this category (optional)",
            "search": "Only decisions matching these words (optional)",
            "frequency": "How often?",
        }
        help_texts = {
            "email": "We use it only to send these alerts, and delete it when you unsubscribe.",
            "category": "For new published decisions only.",
            "search": "For new published decisions only: each word must be in the record.",
        }
        error_messages = {
            "email": {
                "required": "Enter your e-mail address",
                "invalid": "Enter an e-mail address like name@example.com",
            },
            "topic": {"required": "Select what you want to hear about"},
            "frequency": {"required": "Select how often"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The categories the public register's filter offers, and no others: a category only
        # unpublished or confidential decisions have is not public.
        self.fields["category"].queryset = form_categories()
        self.fields["category"].empty_label = "Any category"
        self.fields["topic"].choices = Subscription.Topic.choices  # no empty choice

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("topic") != Subscription.Topic.DECISIONS:
            cleaned["category"], cleaned["search"] = None, ""
        return cleaned


def _over_limit(key: str, limit: int) -> bool:
    """Count one more under `key` in this window; whether that is over `limit`."""
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return False


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" and "sent" in request.GET:
        return render(request, "public/alerts/check_email.html")
    if request.method != "POST":
        topic = request.GET.get("topic", "")
        if topic not in Subscription.Topic.values:
            topic = Subscription.Topic.DECISIONS
        initial = {"topic": topic, "search": request.GET.get("q", "")[:200].replace("\x00", "")}
        # The register's category filter names a category by its slug.
        category = request.GET.get("category", "")[:100]
        if category and "\x00" not in category:
            initial["category"] = form_categories().filter(slug=category).first()
        form = SubscribeForm(initial=initial)
        return render(request, "public/alerts/subscribe.html", _context(form))
    client = client_ip_address(request) or "unknown"
    if _over_limit(f"alerts:client:{client}", REQUESTS_PER_CLIENT):
        response = render(request, "public/alerts/too_many.html", status=429)
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "public/alerts/subscribe.html", _context(form))
    wanted = form.save(commit=False)
    wanted.email = wanted.email.strip().lower()
    same = Subscription.objects.filter(
        email=wanted.email,
        topic=wanted.topic,
        category=wanted.category,
        search=wanted.search,
    ).first()
    if same is None:
        wanted.save()
        same = wanted
    elif same.confirmed_at is None:
        same.frequency = wanted.frequency
        same.save(update_fields=["frequency"])
    # One confirmation e-mail to an address per window, and none to one already confirmed:
    # the page below is the same either way.
    if same.confirmed_at is None and not _over_limit(f"alerts:address:{same.email}", 1):
        send_confirmation(same)
    return redirect(f"{request.path}?sent")


def _context(form) -> dict:
    return {"form": form, "error_summary": error_summary(form)}


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = get_object_or_404(Subscription, token=token)
    if request.method == "POST":
        if subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            subscription.save(update_fields=["confirmed_at"])
        return redirect(request.path)  # the page then says they are confirmed
    return render(request, "public/alerts/confirm.html", {"subscription": subscription})


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription = Subscription.objects.filter(token=token).first()
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return redirect(f"{request.path}?stopped")
    if subscription is None:
        status = 200 if "stopped" in request.GET else 404
        return render(request, "public/alerts/unsubscribed.html", status=status)
    return render(request, "public/alerts/unsubscribe.html", {"subscription": subscription})
