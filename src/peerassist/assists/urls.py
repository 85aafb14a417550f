from django.urls import path

from peerassist.assists import views
from peerassist.assists.live import views as live
from peerassist.assists.live import views_capture as capture
from peerassist.assists.live import wall_views
from peerassist.assists.planning import views as planning

app_name = "assists"
urlpatterns = [
    path("", views.assist_index, name="list"),
    path("<int:assist_id>/", views.assist_detail, name="detail"),
    path("<int:assist_id>/board/", live.board, name="board"),
    path("<int:assist_id>/wall/", wall_views.wall, name="wall"),
    path("<int:assist_id>/join.svg", wall_views.join_qr, name="join_qr"),
    path("<int:assist_id>/reply/", views.assist_reply, name="reply"),
    # Fast capture (live/views_capture.py)
    path("<int:assist_id>/board/bulk/", capture.bulk_form, name="bulk"),
    path("<int:assist_id>/board/bulk/preview/", capture.bulk_preview, name="bulk_preview"),
    path("<int:assist_id>/board/bulk/confirm/", capture.bulk_confirm, name="bulk_confirm"),
    path("<int:assist_id>/board/speakers/new/", capture.speaker_add, name="speaker_add"),
    path("<int:assist_id>/photos/", capture.photo_list, name="photos"),
    path("<int:assist_id>/photos/<int:photo_id>/", capture.photo_detail, name="photo"),
    path("<int:assist_id>/photos/<int:photo_id>/image", capture.photo_image, name="photo_image"),
    path(
        "<int:assist_id>/photos/<int:photo_id>/delete/", capture.photo_delete, name="photo_delete"
    ),
    # Planning (planning/views.py)
    path("new/<int:project_id>/", planning.plan_create, name="plan_create"),
    path("<int:assist_id>/plan/", planning.plan, name="plan"),
    path("<int:assist_id>/plan/details/", planning.plan_edit, name="plan_edit"),
    path("<int:assist_id>/plan/status/", planning.plan_status, name="plan_status"),
    path("<int:assist_id>/plan/agenda/", planning.agenda, name="agenda"),
    path("<int:assist_id>/plan/agenda/template/", planning.agenda_template, name="agenda_template"),
    path("<int:assist_id>/plan/agenda/add/", planning.agenda_add, name="agenda_add"),
    path("<int:assist_id>/plan/agenda/<int:item_id>/", planning.agenda_item, name="agenda_item"),
    path(
        "<int:assist_id>/plan/agenda/<int:item_id>/move/", planning.agenda_move, name="agenda_move"
    ),
    path(
        "<int:assist_id>/plan/agenda/<int:item_id>/delete/",
        planning.agenda_delete,
        name="agenda_delete",
    ),
    path("<int:assist_id>/plan/people/", planning.people, name="people"),
    path(
        "<int:assist_id>/plan/people/colleague/",
        planning.people_add_colleague,
        name="people_add_colleague",
    ),
    path(
        "<int:assist_id>/plan/people/visitor/",
        planning.people_add_visitor,
        name="people_add_visitor",
    ),
    path(
        "<int:assist_id>/plan/people/<int:participant_id>/remove/",
        planning.people_remove,
        name="people_remove",
    ),
    path(
        "<int:assist_id>/plan/people/<int:participant_id>/resend/",
        planning.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<int:assist_id>/plan/people/<int:participant_id>/revoke/",
        planning.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:assist_id>/plan/invitations/", planning.invitations_send, name="invitations_send"),
    path("<int:assist_id>/plan/logistics/", planning.logistics_page, name="logistics"),
    path("<int:assist_id>/briefing/", planning.briefing, name="briefing"),
    path("<int:assist_id>/briefing.pdf", planning.briefing_pdf_view, name="briefing_pdf"),
    path("<int:assist_id>/briefing/files/", planning.attachment_upload, name="attachment_upload"),
    path(
        "<int:assist_id>/briefing/files/<int:attachment_id>/",
        planning.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:assist_id>/briefing/files/<int:attachment_id>/delete/",
        planning.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:assist_id>/invitation/", planning.invitation, name="invitation"),
]
