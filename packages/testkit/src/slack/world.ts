/** Conversation kinds as Slack models them (`channel_type` on message events). */
export type FakeConversationKind = "channel" | "private" | "im" | "mpim";

export interface FakeWorkspace {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
}

/** A Slack app: one app-level token (Socket Mode), one signing secret (Events API over HTTP). */
export interface FakeApp {
  readonly id: string;
  readonly appToken: string;
  readonly signingSecret: string;
  /** Where signed Events API requests go when the app has no Socket Mode connection. */
  eventUrl: string | undefined;
}

/** An app installed in a workspace: its bot user and bot token there. */
export interface FakeInstallation {
  readonly appId: string;
  readonly teamId: string;
  readonly botToken: string;
  readonly botUserId: string;
  readonly botId: string;
  readonly botName: string;
}

export interface FakeUser {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly realName: string;
  readonly isBot: boolean;
  /** Set for bot users: the bot id their messages carry. */
  readonly botId: string | undefined;
}

export interface FakeConversation {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly kind: FakeConversationKind;
  readonly members: string[];
  /** For an im: the human on the other side. */
  readonly user: string | undefined;
}

/** Slack's `channel_type` for a conversation kind. */
export function channelTypeOf(kind: FakeConversationKind): "channel" | "group" | "im" | "mpim" {
  return kind === "private" ? "group" : kind;
}

/**
 * The fake's model of Slack: workspaces, apps, installations, users and conversations. Ids are
 * generated in Slack's shapes (T…, A…, U…, B…, C…, G…, D…) unless given.
 */
export class SlackWorld {
  readonly workspaces = new Map<string, FakeWorkspace>();
  readonly apps = new Map<string, FakeApp>();
  readonly installations: FakeInstallation[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly conversations = new Map<string, FakeConversation>();
  readonly #revoked = new Set<string>();
  readonly #authors = new Map<string, string>();
  #seq = 0;

  nextId(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${(0x1000000 + this.#seq).toString(36).toUpperCase()}`;
  }

  addWorkspace(input: { id?: string; name?: string; domain?: string } = {}): FakeWorkspace {
    const id = input.id ?? this.nextId("T");
    const name = input.name ?? `Workspace ${id}`;
    const workspace: FakeWorkspace = { id, name, domain: input.domain ?? id.toLowerCase() };
    this.workspaces.set(id, workspace);
    return workspace;
  }

  addApp(input: { id?: string; appToken?: string; signingSecret?: string; eventUrl?: string } = {}): FakeApp {
    const id = input.id ?? this.nextId("A");
    const app: FakeApp = {
      id,
      appToken: input.appToken ?? `xapp-1-${id}-${this.nextId("")}`,
      signingSecret: input.signingSecret ?? `secret-${id}-${this.nextId("")}`.toLowerCase(),
      eventUrl: input.eventUrl,
    };
    this.apps.set(id, app);
    return app;
  }

  install(
    appId: string,
    teamId: string,
    input: { botToken?: string; botUserId?: string; botId?: string; botName?: string } = {},
  ): FakeInstallation {
    this.requireApp(appId);
    this.requireWorkspace(teamId);
    const botUserId = input.botUserId ?? this.nextId("U");
    const installation: FakeInstallation = {
      appId,
      teamId,
      botToken: input.botToken ?? `xoxb-${teamId}-${appId}-${this.nextId("")}`,
      botUserId,
      botId: input.botId ?? this.nextId("B"),
      botName: input.botName ?? `bot-${appId.toLowerCase()}`,
    };
    this.installations.push(installation);
    this.users.set(botUserId, {
      id: botUserId,
      teamId,
      name: installation.botName,
      realName: installation.botName,
      isBot: true,
      botId: installation.botId,
    });
    return installation;
  }

  addUser(
    teamId: string,
    input: { id?: string; name: string; realName?: string; isBot?: boolean; botId?: string },
  ) {
    this.requireWorkspace(teamId);
    const user: FakeUser = {
      id: input.id ?? this.nextId("U"),
      teamId,
      name: input.name,
      realName: input.realName ?? input.name,
      isBot: input.isBot ?? false,
      botId: input.botId,
    };
    this.users.set(user.id, user);
    return user;
  }

  addConversation(
    teamId: string,
    input: { id?: string; name?: string; kind?: FakeConversationKind; members?: string[]; user?: string },
  ): FakeConversation {
    this.requireWorkspace(teamId);
    const kind = input.kind ?? "channel";
    const prefix = kind === "im" ? "D" : kind === "mpim" ? "G" : "C";
    const id = input.id ?? this.nextId(prefix);
    const conversation: FakeConversation = {
      id,
      teamId,
      name: input.name ?? (kind === "im" ? (input.user ?? id) : `chan-${id.toLowerCase()}`),
      kind,
      members: [...(input.members ?? [])],
      user: input.user,
    };
    this.conversations.set(id, conversation);
    return conversation;
  }

  /** The im between `userId` and the bots of `teamId`, created on first use (Slack has one per pair). */
  imWith(teamId: string, userId: string): FakeConversation {
    for (const conversation of this.conversations.values()) {
      if (conversation.kind === "im" && conversation.teamId === teamId && conversation.user === userId) {
        return conversation;
      }
    }
    return this.addConversation(teamId, { kind: "im", user: userId, members: [userId] });
  }

  installationsIn(teamId: string): FakeInstallation[] {
    return this.installations.filter((i) => i.teamId === teamId);
  }

  installationByToken(token: string): FakeInstallation | undefined {
    return this.installations.find((i) => i.botToken === token);
  }

  installationOf(appId: string, teamId: string): FakeInstallation | undefined {
    return this.installations.find((i) => i.appId === appId && i.teamId === teamId);
  }

  appByToken(token: string): FakeApp | undefined {
    for (const app of this.apps.values()) if (app.appToken === token) return app;
    return undefined;
  }

  /** Remembers who posted `ts` in `channel`, so replies in its thread carry `parent_user_id`. */
  recordAuthor(channel: string, ts: string, userId: string): void {
    this.#authors.set(`${channel}/${ts}`, userId);
  }

  authorOf(channel: string, ts: string): string | undefined {
    return this.#authors.get(`${channel}/${ts}`);
  }

  revoke(token: string): void {
    this.#revoked.add(token);
  }

  isRevoked(token: string): boolean {
    return this.#revoked.has(token);
  }

  requireApp(appId: string): FakeApp {
    const app = this.apps.get(appId);
    if (!app) throw new Error(`Fake Slack: unknown app ${appId}`);
    return app;
  }

  requireWorkspace(teamId: string): FakeWorkspace {
    const workspace = this.workspaces.get(teamId);
    if (!workspace) throw new Error(`Fake Slack: unknown workspace ${teamId}`);
    return workspace;
  }

  requireConversation(id: string): FakeConversation {
    const conversation = this.conversations.get(id);
    if (!conversation) throw new Error(`Fake Slack: unknown conversation ${id}`);
    return conversation;
  }
}
