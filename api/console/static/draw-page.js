// The public draw page: shows what the embedded record says (exclusions with their reasons, the public random
// value, objects left out at the freeze, the matching) and the verdict of draw-verify.js, computed here.
import { canonicalEntropy, parseRecord, verifyRecord } from "/console/static/draw-verify.js";

const STEP_NAMES = {
  format: "记录格式", commitment: "随机种子与承诺值", public_entropy: "公共随机数", population: "冻结名单与哈希",
  sizes: "抽取数量", exclusions: "排除理由", selection: "抽取结果", matching: "执法人员匹配",
};
const EXCLUSION_REASONS = {
  inspected_this_year: "本年度已接受过检查（任务融合）", open_task: "已在其他在办联合任务中（任务融合）",
  deregistered: "冻结名单后已注销", revoked: "冻结名单后已被吊销", out_of_scope: "冻结名单后已不在抽查范围内",
};
const REMOVAL_REASONS = {
  deregistered: "已注销", revoked: "已吊销", out_of_scope: "不在抽查范围内", annual_cap: "已达年度联合检查次数上限（无事不扰）",
};
const MATCH_RULES = {
  local: "均为本地执法人员", local_previous: "本地人员不足，含上次检查过该对象的人员",
  adjacent: "本地人员不足，由相邻区域执法人员补足", adjacent_previous: "本地及相邻区域人员不足，含上次检查人员",
};

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

// A cell is a text, or [text, class] (class "mono" lets pseudonyms and digests wrap on a phone).
function row(cells, label) {
  const tr = element("tr");
  cells.forEach((cell, i) => {
    const [text, style] = Array.isArray(cell) ? cell : [cell, ""];
    tr.append(element("td", text, { "data-label": label[i], ...(style ? { class: style } : {}) }));
  });
  return tr;
}

function table(id, headers, rows) {
  const wrap = element("div", null, { class: "table-wrap" });
  const node = element("table", null, { id, class: "stack-sm" });
  const head = element("tr");
  headers.forEach((header) => head.append(element("th", header)));
  node.append(element("thead"), element("tbody"));
  node.tHead.append(head);
  rows.forEach((cells) => node.tBodies[0].append(row(cells, headers)));
  wrap.append(node);
  return wrap;
}

const list = (value) => (Array.isArray(value) ? value : []);

function objectName(record, objectId) {
  const found = list(record.objects).find((o) => o && String(o.object_id) === String(objectId));
  return found && found.name ? `${found.name}（#${objectId}）` : `对象 #${objectId}`;
}

function showExclusions(record, into) {
  const v2 = record.algorithm === "jointcheck-draw-v2";
  const backing = [...list(record.warnings), ...list(record.left_scope)];
  const rows = list(record.exclusions).map((x) => {
    if (!v2) return [objectName(record, x), "理由未载明（v1 格式记录）", "—"];
    const basis = backing.find((b) => b && String(b.object_id) === String(x.object_id) && b.kind === x.reason);
    return [objectName(record, x.object_id), EXCLUSION_REASONS[x.reason] ?? `未知理由（${x.reason}）`,
      basis ? basis.detail || "有相应提示" : "记录中无相应提示"];
  });
  into.replaceChildren(rows.length ? table("exclusions", ["对象", "排除理由", "依据"], rows)
    : element("p", "没有排除任何对象。", { class: "muted" }));
}

function showEntropy(record, into) {
  const entropy = record.public_entropy;
  if (!entropy || typeof entropy !== "object") return;
  const dl = element("dl");
  let canonical = "—";
  try {
    canonical = entropy.value == null ? "尚未公布" : canonicalEntropy(entropy.value);
  } catch (error) {
    canonical = error.message;
  }
  for (const [term, value] of [["来源（发起任务时指定）", entropy.source], ["公布的值", entropy.value ?? "尚未公布"],
    ["规范形式", canonical], ["最终种子 = SHA-256(随机种子 ‖ 规范形式)", record.final_seed]]) {
    dl.append(element("dt", term), element("dd", value, { class: "mono" }));
  }
  into.replaceChildren(element("h2", "公共随机数"), dl);
  into.hidden = false;
}

function showRemovals(record, into) {
  const removed = list(record.removed_at_freeze);
  if (record.algorithm !== "jointcheck-draw-v2") return;
  const cap = record.annual_cap == null ? "未设置" : `每个对象每年至多 ${record.annual_cap} 次联合检查`;
  const rows = removed.map((r) => [r.object_id == null ? "（未列编号）" : `对象 #${r.object_id}`,
    REMOVAL_REASONS[r.reason] ?? r.reason, r.detail || ""]);
  into.replaceChildren(element("h2", "冻结名单时移出的对象"), element("p", `年度联合检查次数上限：${cap}`),
    rows.length ? table("removed", ["对象", "移出规则", "说明"], rows) : element("p", "无。", { class: "muted" }));
  into.hidden = false;
}

function showMatching(record, into) {
  const departments = list(record.matching);
  if (!departments.length) return;
  into.replaceChildren(element("h2", "执法人员随机匹配（化名）"),
    element("p", "候选人以固定化名公开，不含身份信息；外部专家可参加检查组，但不计入两名执法人员。", { class: "muted" }));
  for (const department of departments) {
    const details = element("details");
    details.append(element("summary", `部门 ${department.department_code}：${list(department.objects).length} 个对象`));
    details.append(table(`matching-${department.department_code}`, ["对象", "本地候选", "相邻区域候选", "选中执法人员",
      "选中专家", "匹配规则"], list(department.objects).map((o) => [objectName(record, o.object_id),
      list(o.pool?.local).length, list(o.pool?.adjacent).length, [list(o.picks).join("、"), "mono"],
      [list(o.expert_picks).join("、") || "—", "mono"], MATCH_RULES[o.rule] ?? o.rule])));
    into.append(details);
  }
  into.hidden = false;
}

function showVerdict(result, verdict, reason, steps) {
  verdict.textContent = result.match ? "核验一致" : "核验不一致";
  verdict.className = `verdict ${result.match ? "ok" : "bad"}`;
  verdict.setAttribute("role", result.match ? "status" : "alert");
  verdict.dataset.state = "done";
  verdict.dataset.match = String(result.match);
  verdict.dataset.step = result.step ?? "";
  reason.textContent = result.match
    ? "本页已在您的浏览器中按公开算法逐步复算，结果与公示记录一致。"
    : `未通过的步骤：${STEP_NAMES[result.step] ?? result.step}（${result.step}）。${result.reason}`;
  steps.replaceChildren(...result.steps.map((step) => {
    const state = result.passed.includes(step) ? "✓ 通过" : step === result.step ? "✗ 不一致" : "— 未复算";
    return element("li", `${STEP_NAMES[step] ?? step}：${state}`, { "data-step": step });
  }));
}

async function main() {
  const verdict = document.getElementById("browser-verdict");
  const reason = document.getElementById("browser-reason");
  let record;
  try {
    record = parseRecord(document.getElementById("draw-record").textContent);
  } catch (error) {
    showVerdict({ match: false, step: "format", reason: `无法读取记录：${error.message}`, passed: [], steps: ["format"] },
      verdict, reason, document.getElementById("browser-steps"));
    return;
  }
  for (const [show, id] of [[showExclusions, "exclusions-card"], [showEntropy, "entropy-card"],
    [showRemovals, "removed-card"], [showMatching, "matching-card"]]) {
    try {
      show(record, document.getElementById(id));
    } catch (error) {
      // A malformed part is shown as far as it goes; the verdict below names it.
    }
  }
  if (!globalThis.crypto || !crypto.subtle) {
    verdict.textContent = "此浏览器无法核验";
    reason.textContent = "浏览器仅在 HTTPS 页面中提供 SHA-256 计算（Web Crypto）；请通过 HTTPS 访问，或下载记录用 Python 脚本核验。";
    verdict.dataset.state = "unavailable";
    return;
  }
  showVerdict(await verifyRecord(record), verdict, reason, document.getElementById("browser-steps"));
}

main();
