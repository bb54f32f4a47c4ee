"""Read-only queries behind the mentor dashboards and the manager overview.

Every number is an SQL aggregate computed in the database (GROUP BY, CTEs, conditional sums)
over indexed columns; nothing here loops over learners issuing queries.  Each function takes the
session first and returns plain dataclasses.  Who may see whom is decided in ``sql.py``
(``scoped_learners`` and ``visible``): ``mentor_id`` is the viewing mentor, or None for an admin.
"""

from .cohort import (
    MIN_ANSWERS,
    CohortHeader,
    CohortPage,
    ConfusionCell,
    HardestQuestions,
    HeatmapRow,
    ModuleStat,
    QuestionStat,
    QuizStat,
    cohort_header,
    cohort_page,
    confusion,
    hardest_questions,
    heatmap,
    module_stats,
    quiz_stats,
)
from .mentee import (
    AreaScore,
    AssignmentStatus,
    AttemptSummary,
    MenteeDetail,
    MenteeHeader,
    Misroute,
    ModuleEvent,
    Note,
    area_profile,
    mentee_activity,
    mentee_assignments,
    mentee_detail,
    mentee_header,
    mentee_notes,
    top_misroutes,
)
from .mentees import EVERY_COHORT, SORT_KEYS, CohortFacet, MenteeRow, MenteeTable, mentee_cohorts, mentor_mentees
from .overview import GroupSummary, Headline, cohort_summaries, headline, mentor_summaries
from .reports import AnswerCount, ConfusionCount, GradeRow, answer_distribution, confusion_counts, grade_report

__all__ = [
    "AnswerCount", "AreaScore", "AssignmentStatus", "AttemptSummary", "CohortFacet", "CohortHeader", "CohortPage",
    "ConfusionCell", "ConfusionCount", "EVERY_COHORT", "GradeRow", "GroupSummary", "HardestQuestions", "Headline",
    "HeatmapRow", "MIN_ANSWERS", "MenteeDetail", "MenteeHeader", "MenteeRow", "MenteeTable", "Misroute",
    "ModuleEvent", "ModuleStat", "Note", "QuestionStat", "QuizStat", "SORT_KEYS", "answer_distribution",
    "area_profile", "cohort_header", "cohort_page", "cohort_summaries", "confusion", "confusion_counts",
    "grade_report", "hardest_questions", "headline", "heatmap", "mentee_activity", "mentee_assignments",
    "mentee_cohorts", "mentee_detail", "mentee_header", "mentee_notes", "mentor_mentees", "mentor_summaries",
    "module_stats", "quiz_stats", "top_misroutes",
]
