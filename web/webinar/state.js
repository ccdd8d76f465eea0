// @ts-check
/**
 * The webinar as one room shows it, as a pure fold: a `webinar` snapshot, then events in seq order. No DOM and no
 * clock in here, so two clients that saw the same events show the same lists in the same order (docs/webinar.md:
 * questions pinned first, then by votes, then by seq; hands in the order they were raised; polls by id).
 *
 * The host and moderators follow two rooms: the public one and the staff one. `merged` takes the staff room's
 * questions and attendance (pending and anonymous-author records only exist there) and the rest from the public
 * room.
 */

/**
 * @typedef {{user_id: number, name: string, organisation: string}} Author
 * @typedef {{id: number, text: string, author: Author|null, anonymous: boolean,
 *            status: 'pending'|'approved'|'dismissed'|'answered', pinned: boolean, votes: number, asked_at: string,
 *            seq: number, rehearsal?: boolean}} Question
 * @typedef {{user_id: number, name: string, organisation: string, raised_at: string}} Hand
 * @typedef {{user_id: number, name: string, organisation?: string, source: 'camera'|'screen', feed: number}} Feed
 * @typedef {{user_id: number, name: string, by?: number, question?: number|null}} Invite
 * @typedef {{guests: number[], invited: Invite[], live: Feed[], floor: number|null}} Stage   floor: group rooms only
 * @typedef {{id: number, question: string, options: string[], multiple: boolean,
 *            status: 'draft'|'open'|'closed', counts: number[], voters: number, rehearsal?: boolean}} Poll
 * @typedef {{status: 'scheduled'|'live'|'ended', starts_at: string, ends_at: string, started_at: string|null,
 *            ended_at: string|null, run?: number, rehearsal?: boolean}} Timebox
 * @typedef {{user_id: number, name: string, organisation: string, org_type: string, side: string|null,
 *            country: string, joined_at: string, staff?: boolean}} AttendeeCard
 * @typedef {{card: AttendeeCard|null, present: boolean, first_joined: string|null, left_at: string|null,
 *            seconds: number, questions: number}} Attendee
 * @typedef {{now: number, peak: number, unique: number}} Counts
 * @typedef {{kind: 'join'|'leave', user_id: number, seq: number, at: string}} FeedEntry
 * @typedef {{id: number, title: string, kind: string, starts_at: string}} NextItem
 *
 * @typedef {object} RoomState
 * @property {number} seq               the last seq folded in
 * @property {boolean} group            a group session's or a roundtable's room (docs/webinar.md, "Group rooms")
 * @property {{on: boolean, declined: number[]}} recording  the stage recorded now; who declined to be
 * @property {Timebox|null} timebox
 * @property {'open'|'pre-approved'} qaMode
 * @property {Map<number, Question>} questions
 * @property {Hand[]} hands
 * @property {Stage} stage
 * @property {Map<number, Poll>} polls
 * @property {Map<number, Attendee>} attendance
 * @property {Counts} counts
 * @property {FeedEntry[]} joinFeed    newest last, at most FEED_MAX
 * @property {Set<number>} myVotes     questions I upvoted (from the snapshot's `my_votes` and my acks: `w-vote`
 *                                     events carry counts only, never who voted)
 * @property {Set<number>} myQuestions questions I asked, anonymous ones too (the snapshot's `my_questions`, my
 *                                     `ask` acks): the page offers no upvote on them
 * @property {Map<number, number[]>} myBallots  poll → my choices
 * @property {{next: NextItem|null, attendance: {unique: number, peak: number}}|null} ended
 *
 * @typedef {{kind: 'greet', user_id: number, name: string, organisation: string}
 *   | {kind: 'warning', minutes: number} | {kind: 'ended'}
 *   | {kind: 'attend', user_id: number, name: string}
 *   | {kind: 'muted', user_id: number, by: number}} Effect
 */

const FEED_MAX = 50;

/** @returns {Stage} */
function emptyStage() {
  return { guests: [], invited: [], live: [], floor: null };
}

/** @returns {RoomState} */
export function emptyState() {
  return {
    seq: 0, group: false, recording: { on: false, declined: [] }, timebox: null, qaMode: 'open', questions: new Map(), hands: [], stage: emptyStage(), polls: new Map(),
    attendance: new Map(), counts: { now: 0, peak: 0, unique: 0 }, joinFeed: [], myVotes: new Set(), myQuestions: new Set(),
    myBallots: new Map(), ended: null,
  };
}

/** A dict keyed by id, or a list: the records either way. @param {any} raw @returns {any[]} */
function records(raw) {
  if (!raw) return [];
  return Array.isArray(raw) ? raw : Object.values(raw);
}

/** @param {any} on @param {any} declined */
function recordingOf(on, declined) {
  return { on: on === true, declined: Array.isArray(declined) ? declined.map(Number) : [] };
}

/** @param {any} raw @returns {Stage} */
function stageOf(raw) {
  return {
    guests: Array.isArray(raw?.guests) ? raw.guests.map(Number) : [],
    invited: Array.isArray(raw?.invited) ? raw.invited : [],
    live: Array.isArray(raw?.live) ? raw.live : [],
    floor: typeof raw?.floor === 'number' ? raw.floor : null,
  };
}

/**
 * The state a `webinar` snapshot describes. `me` is the viewer's user id (their votes and ballots, when the
 * server includes them, are read from `my_votes` / `my_ballots`).
 * @param {{seq: number, state: any}} frame @param {number} me @param {RoomState|null} [before]
 * @returns {RoomState}
 */
export function fromSnapshot(frame, me, before = null) {
  const s = frame.state || {};
  const st = emptyState();
  st.seq = frame.seq;
  st.group = s.group === true;
  st.recording = recordingOf(s.recording, s.declined);
  st.timebox = s.timebox || null;
  st.qaMode = s.qa_mode === 'pre-approved' ? 'pre-approved' : 'open';
  for (const q of records(s.questions)) if (q.status !== 'dismissed') st.questions.set(q.id, q);
  st.hands = Array.isArray(s.hands) ? s.hands : [];
  st.stage = stageOf(s.stage);
  for (const p of records(s.polls)) st.polls.set(p.id, p);
  // The staff view lists who is here now (cards) with the counts; a fuller attendance map is read too if sent.
  for (const card of Array.isArray(s.attendees) ? s.attendees : []) {
    st.attendance.set(card.user_id, attendee({ card, present: true, first_joined: card.joined_at }, card.user_id));
  }
  if (s.counts) st.counts = s.counts;
  const att = s.attendance;
  if (att) {
    const people = att.people || att.records || (Array.isArray(att) ? null : att);
    for (const [key, rec] of Object.entries(people || {})) {
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) continue;
      const uid = Number(rec.user_id ?? key);
      if (!Number.isInteger(uid)) continue;
      st.attendance.set(uid, attendee(rec, uid));
    }
    const now = [...st.attendance.values()].filter((a) => a.present).length;
    st.counts = { now: att.now ?? now, peak: att.peak ?? s.peak ?? now, unique: att.unique ?? s.unique ?? st.attendance.size };
  }
  // What I did before a reconnect stays known even when the snapshot does not repeat it.
  if (before) {
    st.myVotes = new Set(before.myVotes);
    st.myQuestions = new Set(before.myQuestions);
    st.myBallots = new Map(before.myBallots);
    st.joinFeed = before.joinFeed.slice();
  }
  const mine = /** @type {any} */ (frame);
  for (const id of mine.my_votes || []) st.myVotes.add(Number(id));
  for (const id of mine.my_questions || []) st.myQuestions.add(Number(id));
  for (const [id, choices] of Object.entries(mine.my_ballots || {})) st.myBallots.set(Number(id), choices);
  if (s.timebox?.status === 'ended' && before?.ended) st.ended = before.ended;
  void me;
  return st;
}

/** @param {any} rec @param {number} uid @returns {Attendee} */
function attendee(rec, uid) {
  const card = rec.card || (rec.name ? {
    user_id: uid, name: rec.name, organisation: rec.organisation || '', org_type: rec.org_type || '',
    side: rec.side ?? null, country: rec.country || '', joined_at: rec.joined_at || rec.first_joined || '',
  } : null);
  return {
    card, present: typeof rec.present === 'number' ? rec.present > 0 : Boolean(rec.present ?? !rec.left_at),
    first_joined: rec.first_joined ?? card?.joined_at ?? null, left_at: rec.left_at ?? null,
    seconds: rec.seconds || 0, questions: rec.questions || 0,
  };
}

/**
 * Fold one event frame in. Events at or below the state's seq were already folded (a snapshot that came late,
 * a replay after reconnecting) and change nothing.
 * @param {RoomState} st @param {{seq: number, at: string, event: any}} frame @param {number} me
 * @returns {{state: RoomState, effects: Effect[]}}
 */
export function apply(st, frame, me) {
  if (typeof frame.seq !== 'number' || frame.seq <= st.seq) return { state: st, effects: [] };
  const ev = frame.event || {};
  /** @type {RoomState} */
  const next = { ...st, seq: frame.seq };
  /** @type {Effect[]} */
  const effects = [];
  switch (ev.kind) {
    case 'w-question': case 'w-vote': {
      const q = ev.question;
      next.questions = new Map(st.questions);
      if (q.status === 'dismissed') next.questions.delete(q.id);
      else next.questions.set(q.id, q);
      break;
    }
    case 'w-qa-mode':
      next.qaMode = ev.mode === 'pre-approved' ? 'pre-approved' : 'open';
      break;
    case 'w-hands':
      next.hands = Array.isArray(ev.hands) ? ev.hands : [];
      break;
    case 'w-stage':
      next.stage = stageOf(ev.stage);
      break;
    case 'w-poll': case 'w-poll-vote': {
      next.polls = new Map(st.polls);
      next.polls.set(ev.poll.id, ev.poll);
      break;
    }
    case 'w-timebox':
      next.timebox = ev.timebox;
      if (ev.timebox?.status !== 'ended') next.ended = null; // reopened
      break;
    case 'w-attend': {
      const card = ev.person;
      next.attendance = new Map(st.attendance);
      const old = st.attendance.get(card.user_id);
      next.attendance.set(card.user_id, {
        card, present: true, first_joined: old?.first_joined ?? card.joined_at, left_at: null,
        seconds: old?.seconds || 0, questions: old?.questions || 0,
      });
      if (ev.counts) next.counts = ev.counts;
      next.joinFeed = [...st.joinFeed, { kind: /** @type {const} */ ('join'), user_id: card.user_id, seq: frame.seq, at: frame.at }]
        .slice(-FEED_MAX);
      effects.push({ kind: 'attend', user_id: card.user_id, name: card.name });
      break;
    }
    case 'w-leave': {
      const old = st.attendance.get(ev.user_id);
      if (old) {
        next.attendance = new Map(st.attendance);
        next.attendance.set(ev.user_id, { ...old, present: false, left_at: frame.at });
      }
      if (ev.counts) next.counts = ev.counts;
      next.joinFeed = [...st.joinFeed, { kind: /** @type {const} */ ('leave'), user_id: ev.user_id, seq: frame.seq, at: frame.at }]
        .slice(-FEED_MAX);
      break;
    }
    case 'w-recording':
      next.recording = recordingOf(ev.on, ev.declined);
      break;
    case 'w-mute':
      effects.push({ kind: 'muted', user_id: ev.user_id, by: ev.by });
      break;
    case 'w-greet':
      effects.push({ kind: 'greet', user_id: ev.user_id, name: ev.name, organisation: ev.organisation || '' });
      break;
    case 'w-warning':
      effects.push({ kind: 'warning', minutes: ev.minutes });
      break;
    case 'w-ended':
      next.ended = { next: ev.next || null, attendance: ev.attendance || { unique: 0, peak: 0 } };
      if (next.timebox) next.timebox = { ...next.timebox, status: 'ended', ended_at: frame.at };
      effects.push({ kind: 'ended' });
      break;
    default:
      break; // an event kind this client does not know yet: newer servers may add some
  }
  return { state: next, effects };
}

/** Questions in the one order every client uses: pinned first, then most votes, then asked first. @param {Question} a @param {Question} b */
export function questionOrder(a, b) {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  if (a.votes !== b.votes) return b.votes - a.votes;
  return a.seq - b.seq;
}

/**
 * What the page shows: the public room's state with, for staff, the staff room's questions and attendance.
 * @param {RoomState} pub @param {RoomState|null} staff
 */
export function merged(pub, staff) {
  const questions = staff ? staff.questions : pub.questions;
  const all = [...questions.values()];
  return {
    group: pub.group,
    recording: pub.recording,
    timebox: pub.timebox,
    qaMode: pub.qaMode,
    /** approved and answered questions, in order */
    questions: all.filter((q) => q.status === 'approved' || q.status === 'answered').sort(questionOrder),
    /** waiting for a moderator (staff only), in the order asked */
    pending: all.filter((q) => q.status === 'pending').sort((a, b) => a.seq - b.seq),
    hands: pub.hands,
    stage: pub.stage,
    // Drafts exist only in the staff room, which carries every poll change too.
    polls: [...(staff || pub).polls.values()].sort((a, b) => a.id - b.id),
    attendance: staff ? staff.attendance : pub.attendance,
    counts: staff ? staff.counts : pub.counts,
    joinFeed: staff ? staff.joinFeed : [],
    myVotes: new Set([...pub.myVotes, ...(staff?.myVotes || [])]),
    myQuestions: new Set([...pub.myQuestions, ...(staff?.myQuestions || [])]),
    myBallots: new Map([...pub.myBallots, ...(staff?.myBallots || [])]),
    ended: pub.ended || staff?.ended || null,
  };
}

/** @typedef {ReturnType<typeof merged>} View */

/** Seconds left in the time box at `now` (ms), or null when it has no end yet. @param {Timebox|null} tb @param {number} now */
export function secondsLeft(tb, now) {
  if (!tb || !tb.ends_at) return null;
  if (tb.status === 'ended') return 0;
  return Math.max(0, Math.round((Date.parse(tb.ends_at) - now) / 1000));
}
