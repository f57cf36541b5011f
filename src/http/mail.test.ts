import { describe, expect, it } from "vitest";
import { withoutAddresses } from "./mail.ts";

describe("withoutAddresses", () => {
  it("replaces every address a mail server might quote, and leaves the reason", () => {
    expect(
      withoutAddresses(
        "550 5.1.1 <bounce@example.com>: Recipient address rejected; also a.b+c@mail.example.org, x@y",
      ),
    ).toBe("550 5.1.1 <[address]>: Recipient address rejected; also [address], [address]");
    expect(withoutAddresses("Connection timeout")).toBe("Connection timeout");
  });
});
