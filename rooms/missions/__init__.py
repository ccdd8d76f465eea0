"""Missions: the mission and its programme, people and their roles, profiles and the directory, invitations,
sign-in and sessions, and roles granted per programme item."""
