// @ts-check
/** Nederlands: VIP's (ministers, hoogwaardigheidsbekleders) — de rol, het label, wie hen om een gesprek mag vragen. In nl.js gespreid. */
export default {
  'role.vip': "VIP (minister, hoogwaardigheidsbekleder)",
  'vip.badge': "VIP",
  'vip.badgeLabel': "VIP: een minister of hoogwaardigheidsbekleder",
  'ctl.rule.vip_requests': "Wie mag een VIP om een gesprek vragen",
  'ctl.hint.vip_requests': "VIP's zijn mensen met de rol VIP (een minister, een hoogwaardigheidsbekleder). Organisatoren kunnen altijd een gesprek met een VIP inplannen op de pagina met gesprekken, ook als inplannen voor anderen uit staat.",
  'ctl.vip.organisers': "Alleen de organisatoren regelen gesprekken met VIP's",
  'ctl.vip.delegation': "De delegatie mag VIP's vragen",
  'ctl.vip.anyone': "Iedereen mag vragen, zoals bij ieder ander",
  'ctl.bookVipOnly': "Inplannen voor anderen staat uit in de regels van deze missie, maar een gesprek met een VIP kun je altijd inplannen: kies een VIP als een van de twee.",
  'ctl.pickVip': "Inplannen voor anderen staat uit: een van de twee moet een VIP zijn.",
  'mm.st.vipByOrganiser': "Gesprekken met deze gast regelen de organisatoren",
  'mm.st.vipDelegationOnly': "Alleen de delegatie mag deze gast vragen",
  'err.vip-by-organiser': "Gesprekken met deze gast regelen de organisatoren: vraag het hun.",
  'err.vip-delegation-only': "Alleen de delegatie mag deze gast om een gesprek vragen.",
};
