from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "peerassist.reports"
    label = "reports"

    def ready(self) -> None:
        # Follow-up sends and shows the report; it sits below us, so we tell it how.
        from peerassist.followup.report_source import ReportSource, register_report_source
        from peerassist.reports.pdf import report_pdf
        from peerassist.reports.presenters import report_present
        from peerassist.reports.selectors import report_data

        register_report_source(
            ReportSource(
                present=lambda assist: report_present(report_data(assist=assist)),
                pdf=report_pdf,
            )
        )
