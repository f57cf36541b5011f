/** How a failed send is read: retry later, bounce the address, reject the message, or stop the run. */
import { describe, expect, it } from "vitest";
import { classifySendError } from "./smtp-errors.ts";

describe("classifySendError", () => {
  const err = (fields: Record<string, unknown>) => Object.assign(new Error("x"), fields);

  it("bounces a 5xx at RCPT TO and rejects a 5xx after DATA without blaming the address", () => {
    expect(
      classifySendError(err({ responseCode: 550, command: "RCPT TO", response: "550 no such user" })),
    ).toEqual({
      kind: "bounce",
      reason: "550 no such user",
    });
    expect(classifySendError(err({ responseCode: 554, command: "DATA", response: "554 spam" })).kind).toBe(
      "reject",
    );
  });

  it("retries 4xx replies, dropped connections and 503, and aborts on a refused login or sender", () => {
    expect(classifySendError(err({ responseCode: 451, command: "RCPT TO" }))).toMatchObject({
      kind: "retry",
      connection: false,
    });
    expect(classifySendError(err({ responseCode: 421, command: "MAIL FROM" }))).toMatchObject({
      kind: "retry",
      connection: true,
    });
    expect(classifySendError(err({ code: "ECONNECTION" }))).toMatchObject({
      kind: "retry",
      connection: true,
    });
    expect(classifySendError(err({ responseCode: 503, command: "RCPT TO" })).kind).toBe("retry");
    expect(classifySendError(err({ code: "EAUTH", responseCode: 535, command: "AUTH PLAIN" })).kind).toBe(
      "abort",
    );
    expect(classifySendError(err({ responseCode: 550, command: "MAIL FROM" })).kind).toBe("abort");
  });
});
