// @ts-check
/** English: VIPs (ministers, dignitaries) — the role, its badge, who may ask them for a meeting. Spread into en.js. */
export default {
  'role.vip': "VIP (minister, dignitary)",
  'vip.badge': "VIP",
  'vip.badgeLabel': "VIP: a minister or dignitary",
  'ctl.rule.vip_requests': "Who may ask a VIP for a meeting",
  'ctl.hint.vip_requests': "VIPs are people with the role VIP (a minister, a dignitary). Organisers can always book a meeting with a VIP on the meetings page, even when booking for others is off.",
  'ctl.vip.organisers': "Only the organisers arrange meetings with VIPs",
  'ctl.vip.delegation': "The delegation may ask VIPs",
  'ctl.vip.anyone': "Anyone may ask, as anyone else",
  'ctl.bookVipOnly': "Booking for others is off in this mission's rules, but you can still book a meeting with a VIP: choose a VIP as one of the two.",
  'ctl.pickVip': "Booking for others is off: one of the two must be a VIP.",
  'mm.st.vipByOrganiser': "Meetings with this guest are arranged by the organisers",
  'mm.st.vipDelegationOnly': "Only the delegation may ask this guest",
  'err.vip-by-organiser': "Meetings with this guest are arranged by the organisers: ask them.",
  'err.vip-delegation-only': "Only the delegation may ask this guest for a meeting.",
};
