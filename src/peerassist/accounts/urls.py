from django.urls import path

from peerassist.accounts import views, views_audit, views_erasure, views_sso, views_tokens

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("tokens/", views_tokens.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", views_tokens.token_revoke_view, name="token_revoke"),
    path("erase/", views_erasure.erase, name="erase"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit.csv", views_audit.audit_log_csv, name="audit_log_csv"),
    path("sso/", views_sso.sso_sign_in, name="sso_sign_in"),
    path("sso/callback/", views_sso.sso_callback, name="sso_callback"),
    path("sso/settings/", views_sso.sso_settings, name="sso_settings"),
    path("guest/welcome/", views.guest_welcome, name="guest_welcome"),
    path("guest/signed-out/", views.guest_signed_out, name="guest_signed_out"),
    path("guest/<str:token>/", views.guest_enter, name="guest_enter"),
]
