import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { OrderBlock } from "./OrderBlock";

// The admin calls this once per order page it shows the block on.
export default async () => {
  render(<OrderBlock api={shopify} />, document.body);
};
