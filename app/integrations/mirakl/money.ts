// Money is a domain idea shared by every integration; Mirakl's client keeps importing it from here.
export * from "~/domain/money";
