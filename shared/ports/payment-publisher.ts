/** Publishes a finance notification (the payments SNS topic). */
export interface PaymentPublisher {
  publish(notice: { subject: string; message: string; attributes: Record<string, string> }): Promise<void>;
}
