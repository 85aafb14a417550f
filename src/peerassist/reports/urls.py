from django.urls import path

from peerassist.reports import views

app_name = "reports"
urlpatterns = [
    path("assists/<int:assist_id>/", views.report_page, name="report"),
    path("assists/<int:assist_id>/report.pdf", views.report_pdf_download, name="pdf"),
    path("assists/<int:assist_id>/report.md", views.report_markdown_download, name="markdown"),
    path("assists/<int:assist_id>/report.xlsx", views.report_xlsx_download, name="xlsx"),
    path("assists/<int:assist_id>/<slug:table>.csv", views.report_csv_download, name="csv"),
]
