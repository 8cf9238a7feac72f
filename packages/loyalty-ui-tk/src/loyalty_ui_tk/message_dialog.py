"""The "Send message" dialog: a message the shop writes, to one customer or a segment.

The shop owner chooses who (one customer, or everyone who takes messages, narrowed by days
without a sale, stars and membership), types the text with placeholders, and sees as they type
how many customers it reaches and how it reads for one of them (``Engine.preview_message``, on
the worker thread). Send queues it through the outbox (``Engine.send_custom_message``) with one
key made when the dialog opens, so a double click queues once.
"""

from __future__ import annotations

import functools
import tkinter as tk
import uuid
from collections.abc import Callable
from tkinter import ttk

from loyalty.domain.errors import LoyaltyError
from loyalty.domain.rules.audiences import ANY_LEVEL
from loyalty.domain.rules.audiences import Audience
from loyalty.domain.templates import CUSTOM
from loyalty.domain.templates import DESCRIPTIONS
from loyalty.domain.templates import allowed_placeholders
from loyalty.engine import Engine
from loyalty.services.messages import MessagePreview
from loyalty.services.messages import MessagesQueued
from loyalty_ui_tk.ui_queue import Worker


PREVIEW_DELAY_MS = 250
"""Typing pauses this long before the preview is read again."""
ANY_LEVEL_TITLE = "any level"
STAR_MODES = ("at least", "exactly")
WRAP = 440


class MessageDialog(tk.Toplevel):
    def __init__(
        self,
        master: tk.Misc,
        engine: Engine,
        worker: Worker,
        *,
        customer_id: int | None = None,
        on_sent: Callable[[str], object] | None = None,
    ) -> None:
        super().__init__(master)
        self.engine = engine
        self.worker = worker
        self.on_sent = on_sent
        self.key = f"ui-message/{uuid.uuid4()}"
        """One key per dialog: pressing Send twice queues once."""
        self.sent = False
        self.sending = False
        self.preview: MessagePreview | None = None
        self._asked = 0
        """Previews asked for; an answer to an older question is dropped."""
        self._after: str | None = None
        self.title("Send a message")
        self.transient(master.winfo_toplevel())
        self.resizable(False, False)
        self._build(customer_id)
        self.bind("<Escape>", lambda e: self.destroy())
        self.text.focus_set()
        self.refresh()

    # ---- layout -----------------------------------------------------------------------------

    def _build(self, customer_id: int | None) -> None:
        outer = ttk.Frame(self, padding=18)
        outer.pack(fill="both", expand=True)
        ttk.Label(outer, text="To", style="Section.TLabel").pack(anchor="w")
        self.mode = tk.StringVar(value="one" if customer_id is not None else "segment")
        self.customer_var = tk.StringVar(value="" if customer_id is None else str(customer_id))
        self.inactive_on = tk.BooleanVar(value=False)
        self.inactive_days = tk.StringVar(value="60")
        self.stars_on = tk.BooleanVar(value=False)
        self.stars_mode = tk.StringVar(value=STAR_MODES[0])
        self.stars = tk.StringVar(value="1")
        self.member_on = tk.BooleanVar(value=False)
        self.level = tk.StringVar(value=ANY_LEVEL_TITLE)
        levels = self.engine.settings.memberships.levels
        self.level_ids = {ANY_LEVEL_TITLE: ANY_LEVEL, **{lv.name: lv.id for lv in levels}}

        one = self._line(outer, 0)
        ttk.Radiobutton(one, text="One customer, ID", value="one", variable=self.mode,
                        command=self.refresh).pack(side="left")
        self.customer_entry = ttk.Entry(one, textvariable=self.customer_var, width=8)
        self.customer_entry.pack(side="left", padx=(6, 0))
        self.customer_name = ttk.Label(one, style="Muted.TLabel")
        self.customer_name.pack(side="left", padx=(8, 0))
        ttk.Radiobutton(self._line(outer, 0), text="Everyone who takes messages",
                        value="segment", variable=self.mode, command=self.refresh
                        ).pack(side="left")

        inactive = self._line(outer, 24)
        self.inactive_check = ttk.Checkbutton(inactive, text="with no sale in the last",
                                              variable=self.inactive_on, command=self.refresh)
        self.inactive_check.pack(side="left")
        self.inactive_entry = ttk.Spinbox(inactive, from_=1, to=3650, width=5,
                                          textvariable=self.inactive_days)
        self.inactive_entry.pack(side="left", padx=6)
        ttk.Label(inactive, text="days").pack(side="left")
        stars = self._line(outer, 24)
        self.stars_check = ttk.Checkbutton(stars, text="with", variable=self.stars_on,
                                           command=self.refresh)
        self.stars_check.pack(side="left")
        self.stars_mode_box = ttk.Combobox(stars, textvariable=self.stars_mode,
                                           values=STAR_MODES, state="readonly", width=8)
        self.stars_mode_box.pack(side="left", padx=6)
        self.stars_entry = ttk.Spinbox(stars, from_=0, to=self.engine.max_stars, width=4,
                                       textvariable=self.stars)
        self.stars_entry.pack(side="left")
        ttk.Label(stars, text="stars").pack(side="left", padx=(6, 0))
        member = self._line(outer, 24)
        self.member_check = ttk.Checkbutton(member, text="with a membership of",
                                            variable=self.member_on, command=self.refresh)
        self.member_check.pack(side="left")
        self.level_box = ttk.Combobox(member, textvariable=self.level, state="readonly",
                                      values=list(self.level_ids), width=14)
        self.level_box.pack(side="left", padx=6)
        if not levels:
            self.member_check.configure(text="with a membership (none set up in Settings)")
            self.member_check.state(["disabled"])
            self.level_box.pack_forget()

        head = ttk.Frame(outer, padding=(0, 14, 0, 4))
        head.pack(fill="x")
        ttk.Label(head, text="Message", style="Section.TLabel").pack(side="left")
        menu_button = ttk.Menubutton(head, text="⬇ Insert Placeholder")
        menu = tk.Menu(menu_button, tearoff=False)
        for placeholder in allowed_placeholders(CUSTOM):
            menu.add_command(label=f"{{{placeholder}}}  {DESCRIPTIONS.get(placeholder, '')}",
                             command=functools.partial(self.insert_placeholder, placeholder))
        menu_button["menu"] = menu
        menu_button.pack(side="right")
        self.text = tk.Text(outer, height=5, width=56, wrap="word", relief="flat",
                            highlightthickness=1, padx=6, pady=4, undo=True, font="TkTextFont")
        self.text.pack(fill="x")
        self.text.insert("1.0", "Hi {customer_name}, ")
        self.text.bind("<<Modified>>", self._text_changed)

        card = ttk.Frame(outer, style="Card.TFrame", padding=(14, 10))
        card.pack(fill="x", pady=(14, 0))
        self.recipients_label = ttk.Label(card, text="…", style="Big.TLabel")
        self.recipients_label.pack(anchor="w")
        self.sample_label = ttk.Label(card, style="CardMuted.TLabel")
        self.sample_label.pack(anchor="w", pady=(6, 0))
        self.sample_text = ttk.Label(card, style="Card.TLabel", wraplength=WRAP,
                                     justify="left")
        self.sample_text.pack(anchor="w", fill="x")
        self.problem_label = ttk.Label(outer, style="Error.TLabel", wraplength=WRAP + 28,
                                       justify="left")
        self.problem_label.pack(fill="x", pady=(6, 0))

        buttons = ttk.Frame(outer, padding=(0, 10, 0, 0))
        buttons.pack(fill="x")
        self.send_button = ttk.Button(buttons, text="Send", style="Accent.TButton",
                                      command=self.confirm)
        self.send_button.pack(side="right")
        self.cancel_button = ttk.Button(buttons, text="Cancel", command=self.destroy)
        self.cancel_button.pack(side="right", padx=(0, 8))

        for var in (self.customer_var, self.inactive_days, self.stars_mode, self.stars,
                    self.level):
            var.trace_add("write", lambda *_: self.refresh())

    @staticmethod
    def _line(parent: tk.Misc, indent: int) -> ttk.Frame:
        """One line of the "To" choices, indented under the choice it narrows."""
        line = ttk.Frame(parent, padding=(indent, 2, 0, 2))
        line.pack(fill="x")
        return line

    def insert_placeholder(self, placeholder: str) -> None:
        """Insert ``{placeholder}`` where the cursor is, and keep the cursor after it."""
        self.text.insert("insert", f"{{{placeholder}}}")
        self.text.focus_set()

    def _text_changed(self, event: object = None) -> None:
        if self.text.edit_modified():
            self.text.edit_modified(False)
            self.refresh()

    # ---- what the dialog says ---------------------------------------------------------------

    def message(self) -> str:
        return self.text.get("1.0", "end-1c")

    def set_message(self, text: str) -> None:
        self.text.delete("1.0", "end")
        self.text.insert("1.0", text)

    def audience(self) -> Audience:
        """Who the dialog's choices name; a ``LoyaltyError`` for a number that is not one."""
        if self.mode.get() == "one":
            return Audience(customer_id=_whole(self.customer_var.get(), "A customer ID"))
        stars = _whole(self.stars.get(), "Stars") if self.stars_on.get() else None
        exactly = self.stars_mode.get() == "exactly"
        return Audience(
            inactive_days=(_whole(self.inactive_days.get(), "Days")
                           if self.inactive_on.get() else None),
            stars=stars if exactly else None, min_stars=None if exactly else stars,
            membership=self.level_ids.get(self.level.get()) if self.member_on.get() else None,
        )

    def refresh(self) -> None:
        """Read the preview again soon (the choices or the text changed)."""
        if self.sent or self.sending:
            return
        one = self.mode.get() == "one"
        self.customer_entry.state(["!disabled"] if one else ["disabled"])
        for check in (self.inactive_check, self.stars_check):
            check.state(["disabled"] if one else ["!disabled"])
        has_levels = bool(self.engine.settings.memberships.levels)
        self.member_check.state(["!disabled"] if has_levels and not one else ["disabled"])
        inputs: tuple[tuple[ttk.Widget, tk.BooleanVar], ...] = (
            (self.inactive_entry, self.inactive_on), (self.stars_mode_box, self.stars_on),
            (self.stars_entry, self.stars_on), (self.level_box, self.member_on))
        for widget, on in inputs:
            usable = not one and on.get()
            widget.state(["!disabled"] if usable else ["disabled"])
        if self._after is not None:
            self.after_cancel(self._after)
        self._after = self.after(PREVIEW_DELAY_MS, self._ask_preview)

    def _ask_preview(self) -> None:
        self._after = None
        self._asked += 1
        asked = self._asked
        try:
            audience = self.audience()
        except LoyaltyError as error:
            self._show_problem(str(error))
            return
        text = self.message()
        self.worker.submit(lambda: self.engine.preview_message(audience, text),
                           lambda preview: self._show(asked, preview),
                           on_error=lambda error: self._failed(asked, error))

    def _failed(self, asked: int, error: BaseException) -> None:
        if asked == self._asked and self.winfo_exists():
            self._show_problem(str(error) if isinstance(error, LoyaltyError)
                               else f"Something went wrong: {error}")

    def _show_problem(self, text: str) -> None:
        self.preview = None
        self.recipients_label.configure(text="No recipients")
        self.sample_label.configure(text="")
        self.sample_text.configure(text="")
        self.problem_label.configure(text=text)
        self.send_button.configure(text="Send")
        self.send_button.state(["disabled"])

    def _show(self, asked: int, preview: MessagePreview) -> None:
        if asked != self._asked or self.sent or self.sending or not self.winfo_exists():
            return
        self.preview = preview
        count = preview.recipients
        self.recipients_label.configure(
            text=f"{count:,} recipient{'s' * (count != 1)}" if count else "No recipients")
        if self.mode.get() == "one":
            self.customer_name.configure(text=self._customer_name(preview))
        self.sample_label.configure(text=f"{preview.sample_name} will read:"
                                    if preview.sample_text is not None else "")
        self.sample_text.configure(text=preview.sample_text or "")
        self.problem_label.configure(text=preview.problem or "")
        ready = count > 0 and preview.problem is None
        self.send_button.configure(
            text=f"Send to {count:,} customer{'s' * (count != 1)}" if ready else "Send")
        self.send_button.state(["!disabled"] if ready else ["disabled"])

    def _customer_name(self, preview: MessagePreview) -> str:
        if preview.sample_name is not None:
            return preview.sample_name
        customer_id = preview.audience.customer_id
        try:
            return self.engine.customer(customer_id).name if customer_id is not None else ""
        except LoyaltyError:
            return "no such customer"

    # ---- send -------------------------------------------------------------------------------

    def confirm(self) -> bool:
        """Queue the message on the worker (a big segment takes a moment); True once a send
        is under way or done. Pressing again meanwhile does nothing."""
        if self.sent or self.sending:
            return True
        try:
            audience = self.audience()
        except LoyaltyError as error:
            return self._refuse(str(error))
        if self.preview is None or self.preview.problem or not self.preview.recipients:
            return self._refuse(self.problem_label.cget("text") or "Nobody to send to yet.")
        self.sending = True
        self.send_button.state(["disabled"])
        self.send_button.configure(text="Sending…")
        text, key = self.message(), self.key
        self.worker.submit(lambda: self.engine.send_custom_message(audience, text, key=key),
                           self._sent, on_error=self._not_sent)
        return True

    def _refuse(self, why: str) -> bool:
        self.problem_label.configure(text=why)
        self.bell()
        return False

    def _not_sent(self, error: BaseException) -> None:
        self.sending = False
        if not self.winfo_exists():
            return
        self.problem_label.configure(text=str(error) if isinstance(error, LoyaltyError)
                                     else f"Something went wrong: {error}")
        self.send_button.configure(text="Send")
        self.send_button.state(["!disabled"])
        self.bell()

    def _sent(self, queued: MessagesQueued) -> None:
        self.sending = False
        self.sent = True
        if self.on_sent is not None:
            self.on_sent(queued.summary())
        if not self.winfo_exists():
            return
        summary = queued.summary() + " They go out within seconds while the window is open."
        self.problem_label.configure(text=summary, style="Success.TLabel")
        self.send_button.configure(text="Sent")
        self.cancel_button.configure(text="Close")
        self.cancel_button.focus_set()


def _whole(text: str, what: str) -> int:
    value = text.strip()
    if not value:
        raise LoyaltyError(f"{what} is needed.", hint="Type a whole number.")
    if not value.isdigit():
        raise LoyaltyError(f"{what} must be a whole number, not '{value}'.",
                           hint="Type digits only, like 60.")
    return int(value)
