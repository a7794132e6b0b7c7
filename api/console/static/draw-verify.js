// The visitor's own check of a jointcheck draw record (docs/draw.md), computed in the browser: Web Crypto
// SHA-256, BigInt for 64-bit ids, no server call. It follows the same steps, in the same order, as
// scripts/verify_draw.py, so both name the same failed step for the same record.

const V1 = "jointcheck-draw-v1";
const V2 = "jointcheck-draw-v2";
const MATCH_V2 = "jointcheck-match-v2";
export const STEPS = {
  [V1]: ["format", "commitment", "population", "sizes", "exclusions", "selection"],
  [V2]: ["format", "commitment", "public_entropy", "population", "sizes", "exclusions", "selection", "matching"],
};
const TWO_POW_64 = 1n << 64n;
const STRATUM_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
const PSEUDONYM = /^[A-Za-z0-9_.-]{1,64}$/;
const RATIO = /^(?:([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]{1,2}))?|([0-9]+)\/([0-9]*[1-9][0-9]*))$/;
const SEPARATORS = new Set(["\t", "\n", "\r", " ", ",", ".", ";", ":", "/", "|", "+", "-", "\u3001", "\u3002"]);
const WARNING_KINDS = new Set(["inspected_this_year", "open_task"]);
const DEPARTURE_KINDS = new Set(["deregistered", "revoked", "out_of_scope"]);
const REMOVAL_REASONS = new Set(["deregistered", "revoked", "out_of_scope", "annual_cap"]);
const KIND_NAMES = {
  inspected_this_year: "本年度已检查", open_task: "在其他在办任务中", deregistered: "已注销", revoked: "已吊销",
  out_of_scope: "已不在抽查范围",
};
const TIERS = ["local", "adjacent"];
const RULES = ["local", "local_previous", "adjacent", "adjacent_previous"];
const encoder = new TextEncoder();

class Failed extends Error {}

function need(condition, reason) {
  if (!condition) throw new Failed(reason);
}

const isInt = (value) => typeof value === "bigint";
const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
const ascending = (list) => list.every((item, i) => i === 0 || list[i - 1] < item);

// record["key"]: the key must be there (Python's KeyError is a malformed record too).
function get(object, key) {
  if (!isObject(object) || !Object.hasOwn(object, key)) throw new Error(`缺少字段 ${key}`);
  return object[key];
}

// record.get("key"): null when absent; the container must be an object.
function opt(object, key) {
  if (!isObject(object)) throw new Error(`${key} 的上级不是对象`);
  return Object.hasOwn(object, key) ? object[key] : null;
}

function truthy(value) {
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return value !== null && value !== false && value !== "" && value !== 0 && value !== 0n;
}

/** The record text as JSON, every integer as a BigInt (object ids go up to 2^64 - 1). */
export function parseRecord(text) {
  return JSON.parse(text, (key, value, context) => {
    if (typeof value !== "number") return value;
    if (context && typeof context.source === "string") {
      return /^-?[0-9]+$/.test(context.source) ? BigInt(context.source) : value;
    }
    if (Number.isSafeInteger(value)) return BigInt(value);
    if (Number.isInteger(value)) throw new Error("此浏览器无法精确读取超过 2^53 的整数，请换用新版浏览器或 Python 脚本核验");
    return value;
  });
}

function concat(...parts) {
  const bytes = parts.map((part) => (typeof part === "string" ? encoder.encode(part) : part));
  const out = new Uint8Array(bytes.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of bytes) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function u64(value) {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, value, false);
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

function seedBytes(seedHex) {
  need(typeof seedHex === "string" && /^[0-9a-fA-F]{64}$/.test(seedHex), "随机种子不是 64 位十六进制数");
  return Uint8Array.from(seedHex.match(/../g), (pair) => parseInt(pair, 16));
}

async function stratumDigest(ids) {
  need(Array.isArray(ids) && ids.every((i) => isInt(i) && i >= 0n && i < TWO_POW_64),
    "某一分层不是 [0, 2^64) 内的整数编号列表");
  need(ascending(ids), "某一分层的对象编号未严格递增");
  return hex(await sha256(concat(...ids.map(u64))));
}

function ratioValue(text) {
  const found = typeof text === "string" ? RATIO.exec(text) : null;
  need(found, "抽取比例不是小数或分数 p/q");
  const [, whole, decimals = "", exponent = "0", numerator, denominator] = found;
  if (numerator !== undefined) return [BigInt(numerator), BigInt(denominator)];
  let [p, q] = [BigInt(whole + decimals), 10n ** BigInt(decimals.length)];
  const shift = BigInt(exponent);
  if (shift >= 0n) p *= 10n ** shift;
  else q *= 10n ** -shift;
  return [p, q];
}

async function drawStratum(seed, key, ids, size, excluded) {
  const available = ids.filter((id) => !excluded.has(id));
  if (size >= BigInt(available.length)) return available;
  const prefix = concat(seed, V1, new Uint8Array([0]), key, new Uint8Array([0]));
  const count = BigInt(ids.length);
  const limit = TWO_POW_64 - (TWO_POW_64 % count);
  const chosen = [];
  const seen = new Set();
  let counter = 0n;
  while (BigInt(chosen.length) < size) {
    // Hash ahead in batches (Web Crypto is asynchronous); the candidates are still taken in counter order.
    const batch = Math.min(1024, Math.max(16, Number(size) - chosen.length));
    const blocks = await Promise.all(Array.from({ length: batch }, (_, i) =>
      sha256(concat(prefix, u64(counter + BigInt(i))))));
    counter += BigInt(batch);
    for (const block of blocks) {
      const value = new DataView(block.buffer).getBigUint64(0, false);
      const id = value < limit ? ids[Number(value % count)] : null;
      if (id !== null && !excluded.has(id) && !seen.has(id) && BigInt(chosen.length) < size) {
        seen.add(id);
        chosen.push(id);
      }
    }
  }
  return chosen;
}

/** The canonical form of a public random value: NFKC, then each digit group without leading zeros and a ".". */
export function canonicalEntropy(value) {
  need(typeof value === "string", "公共随机数的值不是文本");
  const groups = [];
  let digits = "";
  for (const char of value.normalize("NFKC") + " ") {
    if (char >= "0" && char <= "9") {
      digits += char;
      continue;
    }
    need(SEPARATORS.has(char), `公共随机数的值含有既非数字也非分隔符的字符“${char}”`);
    if (digits) groups.push(digits.replace(/^0+/, "") || "0");
    digits = "";
  }
  need(groups.length > 0, "公共随机数的值中没有数字");
  return groups.map((group) => `${group}.`).join("");
}

const sameIds = (published, recomputed) => Array.isArray(published) && Array.isArray(recomputed)
  && published.length === recomputed.length && published.every((id, i) => isInt(id) && id === recomputed[i]);

const sameStrings = (published, expected) => typeof expected === "string" ? published === expected
  : Array.isArray(published) && published.length === expected.length && published.every((s, i) => s === expected[i]);

class Checks {
  constructor(record) {
    this.r = record;
    this.seed = null;
    this.excluded = new Set();
    this.selected = new Set();
  }

  format() {
    need(isObject(this.r) && Object.hasOwn(STEPS, opt(this.r, "algorithm")), "不支持的算法版本（本页可核验 v1 与 v2）");
  }

  async commitment() {
    need(truthy(opt(this.r, "seed")), "随机种子尚未公开，只公开了承诺值");
    this.seed = seedBytes(get(this.r, "seed"));
    need(String(get(this.r, "seed_commitment")).toLowerCase() === hex(await sha256(this.seed)),
      "承诺值不是所公开随机种子的 SHA-256");
  }

  async public_entropy() {
    const entropy = opt(this.r, "public_entropy");
    if (entropy !== null) {
      const source = get(entropy, "source");
      need(typeof source === "string" && source.trim(), "未说明公共随机数的来源");
      need(opt(entropy, "value") !== null, "公共随机数尚未公布");
      const canonical = canonicalEntropy(get(entropy, "value"));
      need(!Object.hasOwn(entropy, "canonical") || entropy.canonical === canonical, "公共随机数的规范形式与其值不符");
      this.seed = await sha256(concat(this.seed, canonical));
    }
    need(get(this.r, "final_seed") === hex(this.seed), "最终种子与复算结果不一致（公共随机数的值或最终种子被改动）");
  }

  async population() {
    const population = get(this.r, "population");
    need(isObject(population) && Object.keys(population).length > 0, "冻结名单至少要有一个分层");
    const keys = Object.keys(population).sort();
    need(keys.every((key) => STRATUM_KEY.test(key)), "分层代码格式有误");
    const digests = Object.create(null);  // a stratum may be called "__proto__"
    for (const key of keys) digests[key] = await stratumDigest(population[key]);
    const everything = keys.flatMap((key) => population[key]);
    need(new Set(everything).size === everything.length, "同一对象出现在多个分层中");
    const published = get(this.r, "population_sha256");
    const strata = get(published, "strata");
    for (const key of [...new Set([...keys, ...Object.keys(opt(published, "strata") ?? {})])].sort()) {
      need(opt(strata, key) === (digests[key] ?? null), `分层 ${key} 的名单哈希与名单不符`);
    }
    const manifest = keys.map((key) => `${key}\t${digests[key]}\n`).join("");
    need(get(published, "overall") === hex(await sha256(concat(manifest))), "名单总哈希与名单不符");
    if (get(this.r, "algorithm") === V2) this.removals(new Set(everything));
  }

  removals(members) {
    const cap = get(this.r, "annual_cap");
    need(cap === null || (isInt(cap) && cap >= 1n), "年度抽查上限须为正整数或空");
    const removed = get(this.r, "removed_at_freeze");
    need(Array.isArray(removed), "冻结时移出的对象须为列表");
    for (const removal of removed) {
      const [objectId, reason] = [get(removal, "object_id"), get(removal, "reason")];
      need(REMOVAL_REASONS.has(reason) && (objectId === null || isInt(objectId)), "冻结时移出的对象理由未知或编号有误");
      need(!members.has(objectId), `对象 #${objectId} 记为冻结时移出，却仍在名单中`);
      need(reason !== "annual_cap" || cap !== null, "以年度上限移出对象，记录却未载明年度上限");
    }
  }

  sizes() {
    const population = get(this.r, "population");
    const sizes = get(this.r, "sizes");
    const ratios = opt(this.r, "ratios");
    const keys = Object.keys(population).sort();
    need(isObject(sizes) && sameStrings(Object.keys(sizes).sort(), keys)
      && keys.every((key) => isInt(sizes[key]) && sizes[key] >= 0n), "抽取数量须为每个分层各给一个非负整数");
    if (ratios === null) return;
    need(isObject(ratios), "抽取比例须按分层给出");
    for (const key of keys) {
      const [p, q] = ratioValue(get(ratios, key));
      need(p <= q, "抽取比例不在 0 与 1 之间");
      const count = BigInt(population[key].length);
      const expected = (count * p + q - 1n) / q < count ? (count * p + q - 1n) / q : count;
      need(expected === sizes[key], `分层 ${key} 的抽取数量应为 ${expected}（按比例向上取整），记录为 ${sizes[key]}`);
    }
  }

  exclusions() {
    const exclusions = get(this.r, "exclusions");
    need(Array.isArray(exclusions), "排除对象须为列表");
    if (get(this.r, "algorithm") === V1) {
      need(exclusions.every(isInt), "排除对象须为对象编号（整数）");
      this.excluded = new Set(exclusions);
      return;
    }
    need(Array.isArray(get(this.r, "warnings")) && Array.isArray(get(this.r, "left_scope")),
      "warnings 与 left_scope 须为列表");
    const backing = new Set();
    for (const [field, kinds] of [["warnings", WARNING_KINDS], ["left_scope", DEPARTURE_KINDS]]) {
      for (const entry of this.r[field]) {
        need(isInt(get(entry, "object_id")) && kinds.has(get(entry, "kind")), `${field} 中有编号有误或类别未知的条目`);
        backing.add(`${entry.object_id}:${entry.kind}`);
      }
    }
    const ids = exclusions.map((x) => get(x, "object_id"));
    need(ids.every(isInt) && ascending(ids), "排除对象须按编号升序、每个对象只列一次");
    const members = new Set(Object.values(get(this.r, "population")).flat());
    for (const exclusion of exclusions) {
      const [objectId, reason] = [exclusion.object_id, get(exclusion, "reason")];
      need(WARNING_KINDS.has(reason) || DEPARTURE_KINDS.has(reason), `对象 #${objectId} 的排除理由未知`);
      need(members.has(objectId), `对象 #${objectId} 被排除，但不在冻结名单中`);
      need(backing.has(`${objectId}:${reason}`),
        `对象 #${objectId} 以“${KIND_NAMES[reason]}”为由排除，记录中却没有相应的提示或依据`);
    }
    this.excluded = new Set(ids);
  }

  async selection() {
    const population = get(this.r, "population");
    const sizes = get(this.r, "sizes");
    const published = get(this.r, "selection");
    const keys = Object.keys(population).sort();
    const drawn = Object.create(null);
    for (const key of keys) drawn[key] = await drawStratum(this.seed, key, population[key], sizes[key], this.excluded);
    const strata = get(published, "strata");
    for (const key of [...new Set([...keys, ...Object.keys(strata)])].sort()) {
      need(sameIds(opt(strata, key), drawn[key] ?? null), `分层 ${key} 的抽取结果与复算结果不一致`);
    }
    const flat = keys.flatMap((key) => drawn[key]);
    need(sameIds(get(published, "objects"), flat), "抽中对象的总名单与复算结果不一致");
    this.selected = new Set(flat);
  }

  async matching() {
    const departments = truthy(opt(this.r, "matching")) ? this.r.matching : [];
    need(Array.isArray(departments), "执法人员匹配记录须为列表");
    const codes = departments.map((d) => get(d, "department_code"));
    need(codes.every((c) => typeof c === "string" && c && !c.includes("\0")) && new Set(codes).size === codes.length,
      "每个部门只能有一份匹配记录，且须有部门代码");
    for (const department of departments) await checkDepartment(department, this.seed, this.selected);
  }
}

async function checkDepartment(department, seed, selected) {
  const code = department.department_code;
  need(opt(department, "algorithm") === MATCH_V2, `部门 ${code}：不支持的匹配算法`);
  const [perObject, experts] = [get(department, "per_object"), get(department, "experts_per_object")];
  need(isInt(perObject) && perObject >= 1n && isInt(experts) && experts >= 0n, `部门 ${code}：每个对象的人数设置有误`);
  const objects = get(department, "objects");
  need(Array.isArray(objects), `部门 ${code}：匹配对象须为列表`);
  const ids = objects.map((entry) => get(entry, "object_id"));
  need(ids.every(isInt) && new Set(ids).size === ids.length, `部门 ${code}：同一对象出现两次`);
  need(ids.every((id) => selected.has(id)), `部门 ${code}：匹配了未被抽中的对象`);
  for (const entry of objects) await checkObject(entry, seed, code, Number(perObject), Number(experts));
}

async function checkObject(entry, seed, code, perObject, expertsPerObject) {
  const where = `部门 ${code}、对象 #${entry.object_id}`;
  const members = [];
  for (const tier of TIERS) {
    const names = get(get(entry, "pool"), tier);
    need(Array.isArray(names) && names.every((n) => typeof n === "string" && PSEUDONYM.test(n)) && ascending(names),
      `${where}：${tier} 候选名单不是严格递增的化名列表`);
    members.push(...names.map((name) => [tier, name]));
  }
  const everyone = new Set(members.map(([, name]) => name));
  need(everyone.size === members.length, `${where}：同一化名同时在两个层级中`);
  for (const flag of ["previous", "experts"]) {
    const listed = get(entry, flag);
    need(Array.isArray(listed) && listed.every((n) => typeof n === "string" && everyone.has(n)) && ascending(listed),
      `${where}：${flag} 不是候选人中的升序列表`);
  }
  const [previous, experts] = [new Set(entry.previous), new Set(entry.experts)];
  const lines = members.map(([tier, name]) => `${tier}\t${name}\t${experts.has(name) ? "expert" : "officer"}\t`
    + `${previous.has(name) ? "previous" : "new"}\n`).join("");
  need(get(entry, "pool_sha256") === hex(await sha256(concat(lines))), `${where}：候选池哈希与候选名单不符`);
  const prefix = concat(seed, MATCH_V2, new Uint8Array([0]), code, new Uint8Array([0]), u64(entry.object_id));
  const ranked = await Promise.all(members.map(async ([tier, name]) =>
    ({ tier, name, preference: TIERS.indexOf(tier) * 2 + (previous.has(name) ? 1 : 0),
       rank: hex(await sha256(concat(prefix, name))) })));
  ranked.sort((a, b) => a.preference - b.preference || (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  const officers = ranked.filter((m) => !experts.has(m.name));
  need(officers.length >= perObject, `${where}：候选池中的执法人员不足`);
  const expected = {
    ranked: officers.map((m) => m.name),
    experts_ranked: ranked.filter((m) => experts.has(m.name)).map((m) => m.name),
    picks: officers.slice(0, perObject).map((m) => m.name),
    rule: RULES[officers[perObject - 1].preference],
  };
  expected.expert_picks = expected.experts_ranked.slice(0, expertsPerObject);
  for (const field of ["ranked", "experts_ranked", "picks", "expert_picks", "rule"]) {
    need(sameStrings(get(entry, field), expected[field]), `${where}：${field} 与复算结果不一致`);
  }
}

/** {match, step, reason, passed}: the record's steps in order, stopping at the first that fails. */
export async function verifyRecord(input) {
  const record = isObject(input) && Object.hasOwn(input, "record") && !Object.hasOwn(input, "algorithm")
    ? input.record : input;
  const checks = new Checks(record);
  const algorithm = isObject(record) ? record.algorithm : null;
  const steps = typeof algorithm === "string" && Object.hasOwn(STEPS, algorithm) ? STEPS[algorithm] : ["format"];
  const passed = [];
  for (const step of steps) {
    try {
      await checks[step]();
    } catch (error) {
      const reason = error instanceof Failed ? error.message : `记录格式有误：${error.message}`;
      return { match: false, step, reason, passed, steps };
    }
    passed.push(step);
  }
  return { match: true, step: null, reason: null, passed, steps };
}
