// Keyboard-only grading of written answers, one question, answers in groups.
// Scores go to the server (ScoreHandler), which writes nbgrader's gradebook.
(function () {
  "use strict";
  const body = document.body;
  const maximum = Number(body.dataset.maximum);
  const groups = Array.from(document.querySelectorAll(".group"));
  const chips = Array.from(document.querySelectorAll(".chip"));
  const status = document.getElementById("status");
  let current = groups.findIndex((g) => !g.classList.contains("done"));
  let answerIndex = -1; // -1: the whole group; otherwise one answer of the open group
  if (current < 0) current = 0;

  function show(message) { status.textContent = message; }
  function answers(group) { return Array.from(group.querySelectorAll(".answer")); }

  function focus() {
    groups.forEach((g, i) => g.classList.toggle("current", i === current));
    document.querySelectorAll(".answer.current").forEach((a) => a.classList.remove("current"));
    const group = groups[current];
    if (!group) return;
    let target = group;
    if (answerIndex >= 0) {
      target = answers(group)[answerIndex];
      target.classList.add("current");
    }
    target.scrollIntoView({ block: "nearest" });
  }

  function comment() {
    return chips.filter((c) => c.classList.contains("on"))
      .map((c) => c.textContent.trim().replace(/^[a-i]\s*/, "")).join("\n");
  }

  async function score(value) {
    const group = groups[current];
    if (!group) return;
    const one = answerIndex >= 0 ? answers(group)[answerIndex] : null;
    const students = one ? [one.dataset.student] : group.dataset.students.split(",");
    show(`${students.length}人に ${value}点を保存中…`);
    const response = await fetch(body.dataset.api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-XSRFToken": body.dataset.xsrf },
      body: JSON.stringify({
        assignment: body.dataset.assignment, notebook: body.dataset.notebook,
        grade_id: body.dataset.gradeId, students: students, score: value,
        comment: comment() || null,
      }),
    });
    const result = await response.json();
    if (!response.ok) { show(`保存できませんでした: ${result.error}`); return; }
    (one ? [one] : answers(group)).forEach((a) => {
      a.querySelector(".score").textContent = `${value}`;
    });
    if (!one || answers(group).every((a) => a.querySelector(".score").textContent !== "—")) {
      group.classList.add("done");
      group.querySelector("header .score").textContent = one ? "" : `${value}点`;
    }
    chips.forEach((c) => c.classList.remove("on"));
    show(`${result.scored}人に ${value}点を保存しました（gradebook）`);
    if (one) {
      answerIndex = Math.min(answerIndex + 1, answers(group).length - 1);
    } else {
      const next = groups.findIndex((g, i) => i > current && !g.classList.contains("done"));
      if (next >= 0) current = next;
    }
    focus();
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const group = groups[current];
    const key = event.key;
    if (/^[0-9]$/.test(key) && Number(key) <= maximum) {
      score(Number(key));
    } else if (key === "j" || key === "ArrowDown") {
      if (answerIndex >= 0) answerIndex = Math.min(answerIndex + 1, answers(group).length - 1);
      else current = Math.min(current + 1, groups.length - 1);
      focus();
    } else if (key === "k" || key === "ArrowUp") {
      if (answerIndex >= 0) answerIndex = Math.max(answerIndex - 1, 0);
      else current = Math.max(current - 1, 0);
      focus();
    } else if (key === "Enter" && group) {
      group.classList.add("open");
      answerIndex = 0;
      focus();
    } else if (key === "Escape" && group) {
      group.classList.remove("open");
      answerIndex = -1;
      focus();
    } else {
      const chip = chips.find((c) => c.dataset.key === key);
      if (!chip) return;
      chip.classList.toggle("on");
    }
    event.preventDefault();
  });
  focus();
  show(`${groups.length} まとまり。数字キーで採点、j/k で移動`);
})();
