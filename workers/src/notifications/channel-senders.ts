// Sends one delivery by its channel's kind: a signed webhook, a Slack or Teams message, or an e-mail
// through SMTP_URL.
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type { NotificationConfig } from '@threadline/db/notifications/notification-config';
import type { DeliveryToSend } from '@threadline/db/notifications/deliveries';
import { emailMessage, slackMessage, teamsMessage, webhookBody } from '@threadline/db/notifications/messages';
import { SIGNATURE_HEADER, signWebhook } from '@threadline/db/notifications/signature';
import { DeliveryRefused, postJson } from './http-post.ts';

export class ChannelSenders {
  private mailer: Transporter | null = null;

  constructor(
    private readonly config: NotificationConfig,
    private readonly nowSeconds: () => number,
  ) {}

  /** Sends the delivery; its HTTP status when it has one. */
  async send(delivery: DeliveryToSend & { target: string }): Promise<{ responseStatus: number | null }> {
    const { event } = delivery;
    const portal = this.config.PORTAL_URL;
    switch (delivery.channelKind as 'WEBHOOK' | 'SLACK' | 'TEAMS' | 'EMAIL') {
      case 'WEBHOOK': {
        const body = JSON.stringify(webhookBody(delivery.id, event, portal));
        return postJson(delivery.target, body, this.webhookHeaders(delivery, body), this.config.allowedNetworks);
      }
      case 'SLACK':
        return postJson(delivery.target, JSON.stringify(slackMessage(event, portal)), {}, this.config.allowedNetworks);
      case 'TEAMS':
        return postJson(delivery.target, JSON.stringify(teamsMessage(event, portal)), {}, this.config.allowedNetworks);
      case 'EMAIL':
        await this.email(delivery.target, emailMessage(event, portal));
        return { responseStatus: null };
    }
  }

  close(): void {
    this.mailer?.close();
  }

  private webhookHeaders(delivery: DeliveryToSend, body: string): Record<string, string> {
    return {
      'threadline-event': delivery.event.kind,
      'threadline-delivery': delivery.id,
      ...(delivery.secret ? { [SIGNATURE_HEADER]: signWebhook(delivery.secret, body, this.nowSeconds()) } : {}),
    };
  }

  private async email(to: string, message: { subject: string; text: string; html: string }): Promise<void> {
    if (!this.config.SMTP_URL) throw new DeliveryRefused('e-mail is not configured here (SMTP_URL)', null);
    this.mailer ??= nodemailer.createTransport(this.config.SMTP_URL);
    await this.mailer.sendMail({ from: this.config.SMTP_FROM, to, ...message });
  }
}
