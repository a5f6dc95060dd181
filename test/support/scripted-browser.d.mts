/** Drives oidc-provider's development login and consent pages like a person's browser. */
export function browse(startUrl: string, opts?: { action?: 'approve' | 'deny' | 'ignore'; user?: string }): Promise<{ status: number; url: string; html: string }>;
