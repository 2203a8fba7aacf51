//! The everything server: handlers that use their [`Context`] to log,
//! report progress, stop when the client cancels, and ask the client: the
//! user, with forms, and the client's model and roots.

use std::{
    sync::atomic::{AtomicI64, Ordering},
    time::Duration,
};

use crate::context::{Elicitation, Level};
use crate::server::{
    Choices, ContentBlock, Context, Defaults, PromptMessage, ResourceContents, Role, UserInfo,
};
use crate::{Error, Handler, Settings};

/// A 1x1 PNG, base64-encoded.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
/// A WAV file without samples, base64-encoded.
const WAV: &str = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=";

fn embedded_text() -> ContentBlock {
    ContentBlock::resource(
        ResourceContents::text(
            "This is an embedded resource content.",
            "test://embedded-resource",
        )
        .with_mime_type("text/plain"),
    )
}

pub struct App {
    ticks: AtomicI64,
}

impl Handler for App {
    fn new(_settings: &Settings) -> Result<Self, Error> {
        Ok(Self {
            ticks: AtomicI64::new(0),
        })
    }

    async fn test_simple_text(&self) -> Result<String, Error> {
        Ok("This is a simple text response for testing.".to_owned())
    }

    async fn test_tool_with_logging(&self, context: Context) -> Result<String, Error> {
        context.info("Tool execution started").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        context.info("Tool processing data").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        context.info("Tool execution completed").await;
        Ok("Tool with logging executed successfully".to_owned())
    }

    async fn test_tool_with_progress(&self, context: Context) -> Result<String, Error> {
        for step in [0.0, 50.0, 100.0] {
            context
                .progress(step, Some(100.0), Some(&format!("Completed step {step}")))
                .await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok("Tool with progress executed successfully".to_owned())
    }

    async fn count_slowly(&self, context: Context, steps: i64) -> Result<String, Error> {
        for step in 1..=steps {
            // Cancelling the call drops this future at the sleep: the
            // counting stops there.
            tokio::time::sleep(Duration::from_millis(100)).await;
            self.ticks.fetch_add(1, Ordering::SeqCst);
            context
                .progress(step as f64, Some(steps as f64), None)
                .await;
        }
        Ok(format!("counted to {steps}"))
    }

    async fn ticks(&self) -> Result<String, Error> {
        Ok(self.ticks.load(Ordering::SeqCst).to_string())
    }

    async fn level_probe(&self, context: Context) -> Result<String, Error> {
        let levels = [
            Level::Debug,
            Level::Info,
            Level::Notice,
            Level::Warning,
            Level::Error,
            Level::Critical,
            Level::Alert,
            Level::Emergency,
        ];
        for level in levels {
            context.log(level, format!("a {level:?} message")).await;
        }
        Ok(format!("logged {} messages", levels.len()))
    }

    async fn echo(&self, context: Context, word: String) -> Result<String, Error> {
        context.debug(format!("echoing {word}")).await;
        Ok(word)
    }

    async fn logged_prompt(
        &self,
        context: Context,
        topic: String,
    ) -> Result<Vec<PromptMessage>, Error> {
        context
            .info(format!("building a prompt about {topic}"))
            .await;
        Ok(vec![PromptMessage::new_text(
            Role::User,
            format!("Tell me about {topic}."),
        )])
    }

    async fn test_image_content(&self) -> Result<Vec<ContentBlock>, Error> {
        Ok(vec![ContentBlock::image(PNG, "image/png")])
    }

    async fn test_audio_content(&self) -> Result<Vec<ContentBlock>, Error> {
        Ok(vec![ContentBlock::audio(WAV, "audio/wav")])
    }

    async fn test_embedded_resource(&self) -> Result<Vec<ContentBlock>, Error> {
        Ok(vec![embedded_text()])
    }

    async fn test_multiple_content_types(&self) -> Result<Vec<ContentBlock>, Error> {
        Ok(vec![
            ContentBlock::text("Multiple content types test:"),
            ContentBlock::image(PNG, "image/png"),
            embedded_text(),
        ])
    }

    async fn test_resource_link(&self) -> Result<Vec<ContentBlock>, Error> {
        Ok(vec![
            ContentBlock::resource_link(
                rmcp::model::Resource::new("everything://level", "level_probe")
                    .with_mime_type("text/plain"),
            ),
            ContentBlock::resource(
                ResourceContents::blob(PNG, "test://static-binary").with_mime_type("image/png"),
            ),
        ])
    }

    async fn test_error_handling(&self) -> Result<String, Error> {
        Err(Error::internal(
            "This tool intentionally returns an error for testing",
        ))
    }

    async fn test_prompt_with_image(&self) -> Result<Vec<PromptMessage>, Error> {
        Ok(vec![
            PromptMessage::new(Role::User, ContentBlock::image(PNG, "image/png")),
            PromptMessage::new_text(Role::User, "Please analyze the image above."),
        ])
    }

    async fn test_prompt_with_embedded_resource(
        &self,
        resource_uri: String,
    ) -> Result<Vec<PromptMessage>, Error> {
        Ok(vec![
            PromptMessage::new(
                Role::User,
                ContentBlock::resource(
                    ResourceContents::text("Embedded resource content for testing.", resource_uri)
                        .with_mime_type("text/plain"),
                ),
            ),
            PromptMessage::new_text(Role::User, "Please process the embedded resource above."),
        ])
    }

    async fn test_elicitation(&self, context: Context, message: String) -> Result<String, Error> {
        let answer = context.elicit::<UserInfo>(message).await?;
        Ok(format!("User response: {}", describe(answer)?))
    }

    async fn test_elicitation_sep1034_defaults(&self, context: Context) -> Result<String, Error> {
        let answer = context
            .elicit::<Defaults>("Please review the defaults, and change what you like")
            .await?;
        Ok(format!("Elicitation completed: {}", describe(answer)?))
    }

    async fn test_elicitation_sep1330_enums(&self, context: Context) -> Result<String, Error> {
        let answer = context.elicit::<Choices>("Please choose").await?;
        Ok(format!("Elicitation completed: {}", describe(answer)?))
    }

    async fn test_sampling(&self, context: Context, prompt: String) -> Result<String, Error> {
        let text = context.sample_text(prompt, 100).await?;
        Ok(format!("LLM response: {text}"))
    }

    #[allow(deprecated)] // Roots are deprecated from protocol 2026-07-28 on.
    async fn list_roots(&self, context: Context) -> Result<String, Error> {
        let roots = context.roots().await?;
        let uris: Vec<&str> = roots.iter().map(|root| root.uri.as_str()).collect();
        Ok(format!("roots: {}", uris.join(", ")))
    }

    async fn json_schema_2020_12_tool(
        &self,
        arguments: serde_json::Map<String, serde_json::Value>,
    ) -> Result<String, Error> {
        let name = arguments.get("name").and_then(|name| name.as_str());
        let city = arguments
            .get("address")
            .and_then(|address| address.get("city"))
            .and_then(|city| city.as_str());
        Ok(format!(
            "name: {}, city: {}",
            name.unwrap_or("-"),
            city.unwrap_or("-")
        ))
    }

    async fn template_data(&self, id: String) -> Result<String, Error> {
        Ok(serde_json::json!({
            "id": id,
            "templateTest": true,
            "data": format!("Data for ID: {id}"),
        })
        .to_string())
    }

    async fn complete_test_prompt_with_arguments_arg1(
        &self,
        prefix: String,
    ) -> Result<Vec<String>, Error> {
        Ok(["paris", "park", "party"]
            .into_iter()
            .filter(|word| word.starts_with(&prefix))
            .map(str::to_owned)
            .collect())
    }
}

/// `action=..., content=...` for an answer to a form.
fn describe<T: serde::Serialize>(answer: Elicitation<T>) -> Result<String, Error> {
    Ok(match answer {
        Elicitation::Accept(form) => {
            format!("action=accept, content={}", serde_json::to_string(&form)?)
        }
        Elicitation::Decline => "action=decline".to_owned(),
        Elicitation::Cancel => "action=cancel".to_owned(),
    })
}
