"""Every sentence the web page shows that is not part of a step, in one place.

The steps' own labels, hints and choices come from the question bank and the step
descriptions shared with the interview; the page's frame, buttons and messages are
here, keyed by name; their translations are in the message catalogs (visitprep.i18n).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from visitprep.i18n import (
    N_,
    SOURCE_LANGUAGE,
    current,
    gettext,
    ngettext,
    pages_text,
    questions_text,
)

TEXT: dict[str, str] = {
    "site_name": "visitprep",
    "skip": N_("Skip to main content"),
    "nav_label": N_("Main"),
    "nav_make": N_("Make a checklist"),
    "nav_clinic": N_("Print a clinic list"),
    "footer": N_("This page runs on this computer only. Nothing you type is sent anywhere, "
        "and nothing is saved unless you download it."),
    "error_prefix": N_("Error:"),
    "error_summary_title": N_("There is a problem"),
    # The form.
    "make_title": N_("Make your visit checklist"),
    "make_intro": N_("Answer a few questions and get a checklist of questions to bring to your "
        "cancer care visit. It takes about three minutes. Every step but the first is optional."),
    "load_title": N_("Start from saved answers"),
    "load_intro": N_("If you saved your answers last time, load the file here. Every field is "
        "filled in from it, and you can change anything before you make the checklist."),
    "load_label": N_("Your answers file (.yaml)"),
    "load_hint": N_("The file you downloaded last time, for example visit-answers.yaml. "
        "Up to {limit}."),
    "load_button": N_("Load my answers"),
    "loaded": N_("Loaded your answers from {name}. Check them, then press Make my checklist."),
    "load_missing": N_("Choose your answers file, then press Load my answers."),
    "load_too_big": N_("The answers file is larger than {limit}. Choose the answers file "
        "visitprep saved (a few kilobytes)."),
    # visitprep's own checks of a file speak English (a navigator's command line shares
    # them); a page in another language says so in its own words, then gives them.
    "detail_in_english": N_("{lead} What visitprep found (in English): {detail}"),
    "load_failed": N_("This answers file could not be opened."),
    "csv_failed": N_("This list could not be read."),
    "make_failed": N_("The checklist could not be made."),
    "load_not_text": N_("{name} is not a text file. Choose the .yaml answers file visitprep "
        "saved."),
    "step": N_("Step {number} of {total}"),
    "recurrence_title": N_("Where has the cancer come back?"),
    "concerns_title": N_("What would you like to talk about?"),
    "concerns_more": N_("Check what else you want to talk about. Checking none is fine."),
    "concerns_always": N_("Questions under {always} are always included."),
    "review_title": N_("The questions picked for you"),
    "review_hint": N_("Uncheck any question that does not fit. They are grouped by topic."),
    "review_empty": N_("Choose where the cancer has come back (step 1), then press "
        "\u201cShow my questions\u201d to see the questions picked for you."),
    "review_update": N_("Show my questions"),
    "skip_list": N_("Skip the list: go to your name and visit date"),
    "review_empty_live": N_("Choose where the cancer has come back (step 1), and the questions "
        "picked for you show here."),
    "count": N_("{questions}, {pages}."),
    "own_title": N_("Your own questions"),
    "own_label": N_("Questions of your own, one on each line"),
    "own_hint": N_("They are printed as you write them. Leave this empty if you have none."),
    "top_title": N_("Your top questions"),
    "top_hint": N_("Pick up to {max} questions to print first, on page 1. They are the ones "
        "you most want to ask."),
    "top_label": N_("Top question {number}"),
    "top_none": N_("(none)"),
    "top_own_group": N_("My own questions"),
    "details_title": N_("Details for the top of the page"),
    "details_hint": N_("All of these are optional."),
    "name_label": N_("Your name"),
    "date_label": N_("The date of your visit"),
    "date_hint": N_("For example: tomorrow, Friday, Dec 3, or 2026-12-03."),
    "date_read": N_("We read this as: {day}"),
    "date_which": N_("Which day do you mean by \u201c{text}\u201d?"),
    "date_bad": N_("Write the date like: tomorrow, Friday, Dec 3, or 2026-12-03."),
    "date_pick": N_("Choose which day you mean by \u201c{text}\u201d."),
    "doctor_label": N_("Your doctor\u2019s name"),
    "companion_label": N_("Who is coming with you to the visit?"),
    "print_title": N_("How it is printed"),
    "template_legend": N_("How big should the print be?"),
    "template_own": N_("Your template ({name})"),
    "paper_legend": N_("What paper will you print on?"),
    "make_button": N_("Make my checklist"),
    "recurrence_missing": N_("Choose where the cancer has come back. If you do not know yet, "
        "choose \u201c{unsure}\u201d."),
    "top_unticked": N_("\u201c{text}\u201d is unchecked in the list of questions. Check it again, "
        "or choose another top question."),
    "top_too_many": N_("Pick up to {max} top questions."),
    "own_too_many": N_("You have {count} questions of your own; the limit is {limit}. Keep the "
        "ones that matter most for this visit."),
    "own_line": N_("Question {number}: {problem}"),
    "bad_choice": N_("Choose one of the options shown."),
    # The result.
    "result_title": N_("Your checklist is ready"),
    "result_summary": N_("{questions} on {pages}."),
    "result_next": N_("Print it and bring it to your visit. Show page 1 to your care team."),
    "download_pdf": N_("Download the checklist (PDF)"),
    "download_answers": N_("Download my answers"),
    "download_answers_hint": N_("Keep this file to print the same checklist again, or to "
        "change it next time with \u201cStart from saved answers\u201d."),
    "print": N_("Print"),
    "accessible": N_("Accessible version (for screen readers)"),
    "change": N_("Change my answers"),
    "start_over": N_("Start again with empty answers"),
    "preview_title": N_("Your checklist (PDF)"),
    "preview_fallback": N_("If the checklist does not show above, use the buttons at the top "
        "to download or print it."),
    "result_gone": N_("This checklist is no longer here: the page keeps only the latest few, "
        "and only until visitprep stops. Make it again from your answers."),
    # The clinic list.
    "clinic_title": N_("Print a clinic list"),
    "clinic_intro": N_("Upload a clinic list saved from a spreadsheet as CSV, one row per "
        "person, with the same columns as an answers file (recurrence, concerns, name, "
        "visit_date and more). You get one file with every handout, ready to print "
        "double-sided, and a list of the rows that could not be printed."),
    "csv_label": N_("The clinic list (.csv)"),
    "csv_hint": N_("Up to {limit} and {rows} rows. Files saved by Excel or LibreOffice are "
        "fine."),
    "encoding_legend": N_("How the file is saved"),
    "encoding_utf-8": N_("CSV UTF-8 (the usual choice)"),
    "encoding_cp1252": N_("Windows (cp1252): older Excel on Windows"),
    "encoding_latin-1": N_("Latin-1"),
    "clinic_template_legend": N_("Print size for rows that do not say"),
    "clinic_paper_legend": N_("Paper for every handout"),
    "clinic_paper_hint": N_("The merged file is printed on one paper: a row that asks for "
        "another is printed on this one, and the result says which rows."),
    "date_order_legend": N_("Dates written only in numbers, like 12/8/2026"),
    "date_order_hint": N_("How your spreadsheet writes them (set from your browser's language). "
        "Every handout prints its date in words, so a wrong choice shows at a glance."),
    "date_order_mdy": N_("Month first: 12/8/2026 is December 8 (United States)"),
    "date_order_dmy": N_("Day first: 12/8/2026 is 12 August"),
    "clinic_working": N_("Printing the handouts of {name}. A list of a few hundred rows takes "
        "a minute or two; keep this page open."),
    "clinic_working_rows": N_("Printing the {rows} rows of {name}. A list of a few hundred rows "
        "takes a minute or two; keep this page open."),
    "clinic_elapsed": N_("{seconds} seconds so far."),
    "clinic_notes_title": N_("Notes"),
    "bad_row": N_("Row {row}"),
    "bad_field": N_("Field"),
    "bad_value": N_("Value"),
    "bad_allowed": N_("Allowed values"),
    "clinic_button": N_("Print the list"),
    "csv_missing": N_("Choose the clinic list (a .csv file), then press Print the list."),
    "csv_too_big": N_("The clinic list is larger than {limit}. Split it into smaller lists."),
    "csv_too_many": N_("The clinic list has more than {rows} rows. Split it into smaller lists."),
    "clinic_done": N_("Printed {written} of {total} rows: {pages}."),
    "clinic_print": N_("Print the file double-sided: every handout starts on a new sheet."),
    "clinic_none": N_("No row could be printed."),
    "download_merged": N_("Download the handouts (PDF)"),
    "failures_title": N_("Rows that could not be printed ({count})"),
    "failures_intro": N_("Fix these rows in the spreadsheet and upload the list again."),
    "failures_caption": N_("Rows that could not be printed, with the reason"),
    "failures_download": N_("Download the failures file (CSV)"),
    "col_row": N_("Row"),
    "col_name": N_("Name"),
    "col_field": N_("Field"),
    "col_value": N_("Value"),
    "col_allowed": N_("Allowed values"),
    "col_problem": N_("What is wrong"),
    "empty_cell": "\u2013",
    # Whole-request problems.
    "wrong_host": N_("This page is served only at http://{address}/"),
    "too_big": N_("That upload is too large: the limit is {limit}."),
    "bad_token": N_("This form came from an earlier run of visitprep, or from another page. "
        "Nothing was done. Go back to the start and try again."),
    "not_found": N_("There is no page here."),
    "broken": N_("Something went wrong inside visitprep, and nothing was made. Your answers "
        "were not saved anywhere. Go back to the start and try again."),
    "home_link": N_("Go to the start"),
    "problem_title": N_("There is a problem"),
}


def text(key: str, **values: object) -> str:
    """The sentence for `key` in the language in use, with its {placeholders} filled in."""
    words = gettext(TEXT[key])
    return words.format(**values) if values else words


def found(lead: str, detail: str) -> str:
    """A message from visitprep's own checks (in English) as the page shows it: as it is on
    an English page; on a page in another language, after a sentence in that language
    (`lead`, a key of TEXT) that says what failed and that the detail is in English."""
    detail = detail.replace("\n", " ")
    if current() == SOURCE_LANGUAGE:
        return detail
    return text("detail_in_english", lead=text(lead), detail=detail)


# Whole sentences for each count, never "1 questions": the plural forms come from the
# catalog (ngettext), so each language has its own.

def show_more_text(count: int, topic: str) -> str:
    """'Show 1 more question: Costs', 'Show 3 more questions: Costs'."""
    return ngettext("Show {count} more question: {topic}", "Show {count} more questions: {topic}",
                    count).format(count=count, topic=topic)


def count_text(questions: int, pages: int) -> str:
    """'12 questions, 3 pages.', '1 question, 2 pages.'"""
    return text("count", questions=questions_text(questions), pages=pages_text(pages))


def result_summary(questions: int, pages: int) -> str:
    """'12 questions on 3 pages.'"""
    return text("result_summary", questions=questions_text(questions), pages=pages_text(pages))


class Translated(Mapping[str, str]):
    """TEXT for the templates (``t.make_title``), in the language in use."""

    def __getitem__(self, key: str) -> str:
        return text(key)

    def __getattr__(self, key: str) -> str:
        try:
            return text(key)
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(TEXT)

    def __len__(self) -> int:
        return len(TEXT)


T = Translated()
