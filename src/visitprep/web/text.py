"""Every sentence the web page shows that is not part of a step, in one place.

The steps' own labels, hints and choices come from the question bank and the step
descriptions shared with the interview; the page's frame, buttons and messages are
here, keyed by name, so a translation changes this file and nothing else.
"""

from __future__ import annotations

TEXT: dict[str, str] = {
    "site_name": "visitprep",
    "skip": "Skip to main content",
    "nav_label": "Main",
    "nav_make": "Make a checklist",
    "nav_clinic": "Print a clinic list",
    "footer": "This page runs on this computer only. Nothing you type is sent anywhere, "
    "and nothing is saved unless you download it.",
    "error_prefix": "Error:",
    "error_summary_title": "There is a problem",
    # The form.
    "make_title": "Make your visit checklist",
    "make_intro": "Answer a few questions and get a checklist of questions to bring to your "
    "cancer care visit. It takes about three minutes. Every step but the first is optional.",
    "load_title": "Start from saved answers",
    "load_intro": "If you saved your answers last time, load the file here. Every field is "
    "filled in from it, and you can change anything before you make the checklist.",
    "load_label": "Your answers file (.yaml)",
    "load_hint": "The file you downloaded last time, for example visit-answers.yaml. "
    "Up to {limit}.",
    "load_button": "Load my answers",
    "loaded": "Loaded your answers from {name}. Check them, then press Make my checklist.",
    "load_missing": "Choose your answers file, then press Load my answers.",
    "load_too_big": "The answers file is larger than {limit}. Choose the answers file "
    "visitprep saved (a few kilobytes).",
    "load_not_text": "{name} is not a text file. Choose the .yaml answers file visitprep saved.",
    "step": "Step {number} of {total}",
    "recurrence_title": "Where has the cancer come back?",
    "concerns_title": "What would you like to talk about?",
    "concerns_more": "Check what else you want to talk about. Checking none is fine.",
    "concerns_always": "Questions under {always} are always included.",
    "review_title": "The questions picked for you",
    "review_hint": "Uncheck any question that does not fit. They are grouped by topic.",
    "review_empty": "Choose where the cancer has come back (step 1), then press "
    "\u201cShow my questions\u201d to see the questions picked for you.",
    "review_update": "Show my questions",
    "show_more": "Show {count} more questions: {topic}",
    "show_more_one": "Show 1 more question: {topic}",
    "skip_list": "Skip the list: go to your name and visit date",
    "review_empty_live": "Choose where the cancer has come back (step 1), and the questions "
    "picked for you show here.",
    "count": "{questions} questions, {pages} pages.",
    "count_one_page": "{questions} questions, 1 page.",
    "count_one_question": "1 question, {pages} pages.",
    "count_one_each": "1 question, 1 page.",
    "own_title": "Your own questions",
    "own_label": "Questions of your own, one on each line",
    "own_hint": "They are printed as you write them. Leave this empty if you have none.",
    "top_title": "Your top questions",
    "top_hint": "Pick up to {max} questions to print first, on page 1. They are the ones "
    "you most want to ask.",
    "top_label": "Top question {number}",
    "top_none": "(none)",
    "top_own_group": "My own questions",
    "details_title": "Details for the top of the page",
    "details_hint": "All of these are optional.",
    "name_label": "Your name",
    "date_label": "The date of your visit",
    "date_hint": "For example: tomorrow, Friday, Dec 3, or 2026-12-03.",
    "date_read": "We read this as: {day}",
    "date_which": "Which day do you mean by \u201c{text}\u201d?",
    "date_bad": "Write the date like: tomorrow, Friday, Dec 3, or 2026-12-03.",
    "date_pick": "Choose which day you mean by \u201c{text}\u201d.",
    "doctor_label": "Your doctor\u2019s name",
    "companion_label": "Who is coming with you to the visit?",
    "print_title": "How it is printed",
    "template_legend": "How big should the print be?",
    "template_own": "Your template ({name})",
    "paper_legend": "What paper will you print on?",
    "make_button": "Make my checklist",
    "recurrence_missing": "Choose where the cancer has come back. If you do not know yet, "
    "choose \u201c{unsure}\u201d.",
    "top_unticked": "\u201c{text}\u201d is unchecked in the list of questions. Check it again, "
    "or choose another top question.",
    "top_too_many": "Pick up to {max} top questions.",
    "own_too_many": "You have {count} questions of your own; the limit is {limit}. Keep the "
    "ones that matter most for this visit.",
    "own_line": "Question {number}: {problem}",
    "bad_choice": "Choose one of the options shown.",
    # The result.
    "result_title": "Your checklist is ready",
    "result_summary": "{questions} questions on {pages} pages.",
    "result_summary_one_page": "{questions} questions on 1 page.",
    "result_summary_one_question": "1 question on {pages} pages.",
    "result_summary_one_each": "1 question on 1 page.",
    "result_next": "Print it and bring it to your visit. Show page 1 to your care team.",
    "download_pdf": "Download the checklist (PDF)",
    "download_answers": "Download my answers",
    "download_answers_hint": "Keep this file to print the same checklist again, or to "
    "change it next time with \u201cStart from saved answers\u201d.",
    "print": "Print",
    "accessible": "Accessible version (for screen readers)",
    "change": "Change my answers",
    "start_over": "Start again with empty answers",
    "preview_title": "Your checklist (PDF)",
    "preview_fallback": "If the checklist does not show above, use the buttons at the top "
    "to download or print it.",
    "result_gone": "This checklist is no longer here: the page keeps only the latest few, "
    "and only until visitprep stops. Make it again from your answers.",
    # The clinic list.
    "clinic_title": "Print a clinic list",
    "clinic_intro": "Upload a clinic list saved from a spreadsheet as CSV, one row per "
    "person, with the same columns as an answers file (recurrence, concerns, name, "
    "visit_date and more). You get one file with every handout, ready to print "
    "double-sided, and a list of the rows that could not be printed.",
    "csv_label": "The clinic list (.csv)",
    "csv_hint": "Up to {limit} and {rows} rows. Files saved by Excel or LibreOffice are "
    "fine.",
    "encoding_legend": "How the file is saved",
    "encoding_utf-8": "CSV UTF-8 (the usual choice)",
    "encoding_cp1252": "Windows (cp1252): older Excel on Windows",
    "encoding_latin-1": "Latin-1",
    "clinic_template_legend": "Print size for rows that do not say",
    "clinic_paper_legend": "Paper for every handout",
    "clinic_paper_hint": "The merged file is printed on one paper: a row that asks for "
    "another is printed on this one, and the result says which rows.",
    "date_order_legend": "Dates written only in numbers, like 12/8/2026",
    "date_order_hint": "How your spreadsheet writes them (set from your browser's language). "
    "Every handout prints its date in words, so a wrong choice shows at a glance.",
    "date_order_mdy": "Month first: 12/8/2026 is December 8 (United States)",
    "date_order_dmy": "Day first: 12/8/2026 is 12 August",
    "clinic_working": "Printing the handouts of {name}. A list of a few hundred rows takes "
    "a minute or two; keep this page open.",
    "clinic_working_rows": "Printing the {rows} rows of {name}. A list of a few hundred rows "
    "takes a minute or two; keep this page open.",
    "clinic_elapsed": "{seconds} seconds so far.",
    "clinic_notes_title": "Notes",
    "bad_row": "Row {row}",
    "bad_field": "Field",
    "bad_value": "Value",
    "bad_allowed": "Allowed values",
    "clinic_button": "Print the list",
    "csv_missing": "Choose the clinic list (a .csv file), then press Print the list.",
    "csv_too_big": "The clinic list is larger than {limit}. Split it into smaller lists.",
    "csv_too_many": "The clinic list has more than {rows} rows. Split it into smaller lists.",
    "clinic_done": "Printed {written} of {total} rows: {pages} pages.",
    "clinic_print": "Print the file double-sided: every handout starts on a new sheet.",
    "clinic_none": "No row could be printed.",
    "download_merged": "Download the handouts (PDF)",
    "failures_title": "Rows that could not be printed ({count})",
    "failures_intro": "Fix these rows in the spreadsheet and upload the list again.",
    "failures_caption": "Rows that could not be printed, with the reason",
    "failures_download": "Download the failures file (CSV)",
    "col_row": "Row",
    "col_name": "Name",
    "col_field": "Field",
    "col_value": "Value",
    "col_allowed": "Allowed values",
    "col_problem": "What is wrong",
    "empty_cell": "\u2013",
    # Whole-request problems.
    "wrong_host": "This page is served only at http://{address}/",
    "too_big": "That upload is too large: the limit is {limit}.",
    "bad_token": "This form came from an earlier run of visitprep, or from another page. "
    "Nothing was done. Go back to the start and try again.",
    "not_found": "There is no page here.",
    "broken": "Something went wrong inside visitprep, and nothing was made. Your answers "
    "were not saved anywhere. Go back to the start and try again.",
    "home_link": "Go to the start",
    "problem_title": "There is a problem",
}


def text(key: str, **values: object) -> str:
    """The sentence for `key`, with its {placeholders} filled in."""
    return TEXT[key].format(**values) if values else TEXT[key]


# Whole sentences for each count, never "1 questions" (a catalog's ngettext replaces these
# choices when the page is translated).

def show_more_text(count: int, topic: str) -> str:
    """'Show 1 more question: Costs', 'Show 3 more questions: Costs'."""
    if count == 1:
        return text("show_more_one", topic=topic)
    return text("show_more", count=count, topic=topic)


def count_text(questions: int, pages: int) -> str:
    """'12 questions, 3 pages.', '1 question, 2 pages.'"""
    return _counted("count", questions, pages)


def result_summary(questions: int, pages: int) -> str:
    """'12 questions on 3 pages.'"""
    return _counted("result_summary", questions, pages)


def _counted(key: str, questions: int, pages: int) -> str:
    if questions == 1:
        return text(f"{key}_one_each") if pages == 1 else text(f"{key}_one_question",
                                                                pages=pages)
    if pages == 1:
        return text(f"{key}_one_page", questions=questions)
    return text(key, questions=questions, pages=pages)
